// Runs a TypeScript module in a worker thread: vitest compiles the test's own modules, but
// a worker thread loads its module with Node, which needs tsx to read TypeScript.
import { workerData } from 'node:worker_threads'
import { tsImport } from 'tsx/esm/api'

await tsImport(workerData.module, import.meta.url)
