// Preloaded (`--import`) into the server by cluster/workers.test.ts only, never by the
// server itself: in each worker thread it notes which thread answered each request, and
// throws an uncaught error in a thread when the test asks (a file named after it), so the
// test can crash one thread without any way to do so in the production server.
import { subscribe } from 'node:diagnostics_channel'
import { appendFileSync, existsSync, rmSync } from 'node:fs'
import path from 'node:path'
import { isMainThread, threadId } from 'node:worker_threads'

const dir = process.env.TOKENAUTH_TEST_PROBE_DIR
if (dir !== undefined && !isMainThread) {
  subscribe('http.server.request.start', () => appendFileSync(path.join(dir, 'answered'), `${threadId}\n`))
  const crashFile = path.join(dir, `crash-${threadId}`)
  setInterval(() => {
    if (!existsSync(crashFile)) return
    rmSync(crashFile)
    throw new Error(`test crash of worker ${threadId}`)
  }, 50).unref()
}
