import { writeSync } from 'node:fs'

/** How long to wait when fd 1 is a full non-blocking pipe, before trying again. */
const FULL_PIPE_WAIT_MS = 1
const sleeper = new Int32Array(new SharedArrayBuffer(4))

/**
 * Log lines of a worker thread, written to file descriptor 1 from the thread itself and at
 * once: never through the main thread's `process.stdout` proxy, and not pino's default
 * asynchronous writer either, whose writes go through the libuv thread pool (which the
 * threads share with every argon2 hash) and can be lost when the thread ends right after,
 * as the line logging an uncaught error is.
 */
export const threadStdout = {
  write(line: string): void {
    let bytes = Buffer.from(line)
    while (bytes.length > 0) {
      try {
        bytes = bytes.subarray(writeSync(1, bytes))
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err
        Atomics.wait(sleeper, 0, 0, FULL_PIPE_WAIT_MS)
      }
    }
  },
}
