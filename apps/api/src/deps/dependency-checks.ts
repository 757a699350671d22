import type { Dependency } from '@tokenauth/shared'

/** A dependency the API cannot answer without, and how to ask whether it is reachable. */
export interface DependencyCheck {
  readonly name: Dependency
  /** Resolves when the dependency answered; rejects (or times out) when it did not. */
  ping(): Promise<unknown>
}

/** A probe that waits longer than this counts the dependency as failing. */
const PING_TIMEOUT_MS = 1000

/** The names of the dependencies that did not answer in time, all pinged at once. */
export async function failingDependencies(checks: readonly DependencyCheck[]): Promise<Dependency[]> {
  const answers = await Promise.allSettled(checks.map((check) => withTimeout(check.ping(), PING_TIMEOUT_MS)))
  return checks.filter((_check, i) => answers[i]?.status === 'rejected').map((check) => check.name)
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
