/** Milliseconds since the epoch. Injected everywhere time matters, so tests never wait. */
export type Clock = () => number

export const systemClock: Clock = () => Date.now()
