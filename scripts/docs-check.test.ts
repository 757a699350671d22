import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

/**
 * Keeps the README and docs/ true. Every shell block (```sh, ```bash, ```shell) carries a
 * tag after its language:
 * - `runnable`: run here, in order per document, with bash -euo pipefail, against a fresh
 *   server started as `pnpm start` starts it (built `apps/api/dist/server.js`), on a free
 *   port (`localhost:3000` in the text is pointed at it) and a fresh DATA_DIR;
 * - `ci`: each of its commands is one that `.ci/run` runs (set-up, the test command).
 * An untagged shell block fails this test: nothing a reader may paste goes unchecked.
 */
const root = path.resolve(import.meta.dirname, '..')
const documents = ['README.md', ...readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)]
const ciScript = readFileSync(path.join(root, '.ci/run'), 'utf8')

interface Block {
  readonly document: string
  readonly line: number
  readonly tag: string
  readonly text: string
}

function shellBlocks(document: string): Block[] {
  const lines = readFileSync(path.join(root, document), 'utf8').split('\n')
  const blocks: Block[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*(.*)$/.exec(lines[i] ?? '')
    if (!open) continue
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'))
    const [, language = '', tag = ''] = open
    if (['sh', 'bash', 'shell'].includes(language)) {
      blocks.push({ document, line: i + 1, tag: tag.trim(), text: lines.slice(i + 1, end).join('\n') })
    }
    i = end
  }
  return blocks
}

/** The commands of a block: comments dropped, `&&` chains split, leading VAR=value removed. */
function commands(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').replace(/^#.*$/, '').trim())
    .flatMap((line) => line.split('&&'))
    .map((command) => command.trim().replace(/^([A-Z_]+=\S*\s+)+/, ''))
    .filter(Boolean)
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

const blocks = documents.flatMap(shellBlocks)

describe('shell blocks in the README and docs/', () => {
  it('are each tagged runnable or ci', () => {
    const untagged = blocks.filter((b) => b.tag !== 'runnable' && b.tag !== 'ci').map((b) => `${b.document}:${b.line}`)
    expect(untagged).toEqual([])
    expect(blocks.some((b) => b.tag === 'runnable')).toBe(true)
  })

  it('tagged ci are commands .ci/run runs', () => {
    const missing = blocks
      .filter((b) => b.tag === 'ci')
      .flatMap((b) => commands(b.text).map((command) => ({ at: `${b.document}:${b.line}`, command })))
      .filter(({ command }) => !ciScript.includes(command))
    expect(missing).toEqual([])
  })

  const runnable = documents.filter((document) => blocks.some((b) => b.document === document && b.tag === 'runnable'))
  it.each(runnable)('tagged runnable in %s run without error against a fresh server', async (document) => {
    const serverJs = path.join(root, 'apps/api/dist/server.js')
    if (!existsSync(serverJs)) throw new Error(`${serverJs} is missing: run \`pnpm build\` (pnpm test does) first.`)
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tokenauth-docs-'))
    const port = await freePort()
    const env = { ...process.env, NODE_ENV: 'test', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' }
    const server = spawn(process.execPath, [serverJs], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let log = ''
    server.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()))
    server.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()))
    try {
      const deadline = Date.now() + 20_000
      while (!(await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false))) {
        if (Date.now() > deadline || server.exitCode !== null) throw new Error(`server did not start:\n${log}`)
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      for (const block of blocks.filter((b) => b.document === document && b.tag === 'runnable')) {
        const script = block.text.replaceAll(/(localhost|127\.0\.0\.1):3000/g, `127.0.0.1:${port}`)
        // Generous: docs/benchmarks.md runs the benchmarks for a second each; the limits catch a hang.
        const run = spawnSync('bash', ['-euo', 'pipefail', '-c', script], { cwd: root, env, encoding: 'utf8', timeout: 120_000 })
        expect(run.status, `${document}:${block.line}\n${run.stdout}\n${run.stderr}\nserver:\n${log}`).toBe(0)
      }
    } finally {
      server.kill('SIGTERM')
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, 300_000)
})
