import { spawnSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { heldTickObject } from './hold-tick-shape.js'

/**
 * Runs `process.nextTick` in bursts with three full collections after each, in a fresh
 * process (optionally holding a tick object through the module), and returns the state V8
 * reports for each computed key of the tick-object literal: MONOMORPHIC is the fast path,
 * MEGAMORPHIC the runtime call on every tick.
 */
function literalFeedbackAfterCollections(hold: boolean): string[] {
  const module = path.resolve(import.meta.dirname, 'hold-tick-shape.ts')
  const script = `
    if (${hold}) await import(${JSON.stringify(module)})
    const ticks = (n) => new Promise((resolve) => {
      let left = n
      const tick = () => (--left > 0 ? process.nextTick(tick) : resolve())
      tick()
    })
    for (let round = 0; round < 10; round++) {
      await ticks(2000)
      for (let i = 0; i < 3; i++) globalThis.gc()
    }
    await ticks(100)
    new Function('f', '%DebugPrint(f)')(process.nextTick)
  `
  // V8 prints from C++ without retrying a full pipe (Node makes the child's pipe
  // non-blocking), which cuts the output short: a file takes it whole.
  const dir = mkdtempSync(path.join(tmpdir(), 'tick-shape-'))
  const out = path.join(dir, 'debug-print.txt')
  let run
  let printed
  try {
    const fd = openSync(out, 'w')
    try {
      run = spawnSync(
        process.execPath,
        // tsx only to load the module: its loader's own ticks could keep the maps alive.
        [...(hold ? ['--conditions=source', '--import', 'tsx'] : []), '--allow-natives-syntax', '--expose-gc', '--input-type=module', '-e', script],
        { cwd: import.meta.dirname, encoding: 'utf8', stdio: ['ignore', fd, 'pipe'] },
      )
    } finally {
      closeSync(fd)
    }
    printed = readFileSync(out, 'utf8')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  expect(run.stderr).toBe('')
  expect(run.status).toBe(0)
  return [...printed.matchAll(/DefineKeyedOwnPropertyInLiteral (\w+)/g)].map((match) => match[1] ?? '')
}

/** What the two runs, with and without the held tick object, say about the workaround. */
function verdict(held: readonly string[], bare: readonly string[]): string {
  // The literal has five computed keys (Node 24); fewer means the output was not understood.
  if (held.length < 3 || bare.length < 3) return `unreadable: V8 printed ${held.length} and ${bare.length} literal slots, expected 5 each`
  const fast = (states: readonly string[]) => states.every((state) => state === 'MONOMORPHIC')
  if (fast(held) && !fast(bare)) return 'needed, and it works'
  if (fast(held)) {
    return (
      'Node fixed it: without the held tick object the literal stays MONOMORPHIC through the same collections, ' +
      'so runtime/hold-tick-shape.ts can go (see docs/upstream/node-nexttick-megamorphic.md)'
    )
  }
  if (!fast(bare)) {
    return (
      `we regressed: the held tick object no longer keeps the literal fast (${held.join(', ')}); ` +
      'is runtime/hold-tick-shape.ts still the first import, and does Node still build tick objects with this literal?'
    )
  }
  return `inverted: fast without the held object (${bare.join(', ')}) but not with it (${held.join(', ')})`
}

describe('holding a tick object', () => {
  it('holds the object Node built for a tick', async () => {
    await new Promise((resolve) => process.nextTick(resolve))
    const held = heldTickObject()
    expect(held).toBeDefined()
    const symbols = Object.getOwnPropertySymbols(held).map((symbol) => symbol.description)
    expect(symbols).toContain('async_id_symbol')
    expect(Object.keys(held ?? {})).toEqual(['callback', 'args'])
  })

  it('is needed, and keeps the tick-object literal on V8 fast path through full collections', () => {
    // The same rounds of ticks and collections with the module loaded and without it (the
    // control): "Node fixed it" and "we regressed" fail with different messages.
    const held = literalFeedbackAfterCollections(true)
    const bare = literalFeedbackAfterCollections(false)
    expect(verdict(held, bare)).toBe('needed, and it works')
  }, 120_000)

  it('tells the outcomes apart', () => {
    const fast = Array<string>(5).fill('MONOMORPHIC')
    const slow = ['MEGAMORPHIC', ...fast.slice(1)]
    expect(verdict(fast, slow)).toBe('needed, and it works')
    expect(verdict(fast, fast)).toMatch(/^Node fixed it/)
    expect(verdict(slow, slow)).toMatch(/^we regressed/)
    expect(verdict(slow, fast)).toMatch(/^inverted/)
    expect(verdict([], slow)).toMatch(/^unreadable/)
  })
})
