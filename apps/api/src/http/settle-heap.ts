import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/** Enough calls for V8 to optimise `process.nextTick` (it does after a few thousand). */
const WARM_UP_TICKS = 50_000
/** Time for V8's background compiler to install the optimised code. */
const SETTLE_MS = 50

/**
 * Run once the app is built (every schema compiled), before it listens: one full garbage
 * collection, then `process.nextTick` called until V8 has optimised it, while nothing else
 * runs.
 *
 * Why: Node's HTTP stack calls `process.nextTick` five times per request, and V8 optimises
 * it while the server starts, when compiling the schemas has just left hundreds of dead
 * shapes on the map every `{}` starts from. Measured here with `perf` (docs/benchmarks.md):
 * in most starts the optimised `nextTick` then built each of its `{ [asyncId]: … }` objects
 * through V8's slow runtime path, about 4 µs of CPU per request, for the life of the
 * process. After a collection and a quiet warm-up it was fast in all 15 starts profiled.
 *
 * V8 offers a full collection only behind `--expose-gc`; setting that flag at run time
 * and taking `gc` from a fresh context reaches it without changing how the process is
 * started (`node apps/api/dist/server.js`, a container's command, a worker thread).
 * @see https://nodejs.org/api/v8.html#v8setflagsfromstringflags
 */
export async function settleBeforeTraffic(): Promise<void> {
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as (() => void) | undefined
  gc?.()
  await new Promise<void>((resolve) => {
    let left = WARM_UP_TICKS
    // One and two arguments, as the HTTP stack passes them.
    const tick = (...passed: number[]): void => {
      left = (passed[0] ?? left) - 1
      if (left <= 0) resolve()
      else if (left % 2 === 0) process.nextTick(tick, left)
      else process.nextTick(tick, left, left)
    }
    tick()
  })
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS))
}
