import { executionAsyncResource } from 'node:async_hooks'

/**
 * Keeps one `process.nextTick` tick object alive for the life of the process: a workaround
 * for V8 turning Node's tick-object literal megamorphic, reported upstream with a minimal
 * reproduction in docs/upstream/node-nexttick-megamorphic.md. server.ts imports this
 * module first, so the tick is scheduled before any other module runs.
 *
 * Why: Node builds every tick object with one object literal with computed keys
 * (`{ [async_id_symbol]: …, [trigger_async_id_symbol]: …, … }`), and its HTTP stack calls
 * `process.nextTick` several times per request. For each computed key V8 remembers the
 * hidden class (map) the object had there, and the first time it meets another one it
 * gives up on that place for good: from then on every tick object is built by a runtime
 * call, several times slower (docs/benchmarks.md). Another map turns up whenever a full
 * garbage collection finds no tick object alive: the literal's maps die with the last
 * tick object and are built anew. Every server meets such a collection, when it idles
 * (V8's memory reducer collects then). One tick object that never dies keeps those maps,
 * and with them the fast path, alive.
 *
 * runtime/hold-tick-shape.test.ts says when this stops being needed (a Node without the
 * problem) and when it stops working (a Node whose tick objects it no longer holds).
 */
let held: object | undefined

/** The tick object held, once its tick has run; for tests. */
export function heldTickObject(): object | undefined {
  return held
}

process.nextTick(() => {
  // While a tick's callback runs, Node reports the tick object as the current resource.
  held = executionAsyncResource()
})
