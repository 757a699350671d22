// Builds what `pnpm start` needs and is missing or older than its sources: the server
// (tsc -b is incremental, so it is cheap when nothing changed) and the web app (Vite,
// only when a source file is newer than the built index.html).
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' })

run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.build.json'])

const web = path.join(root, 'apps/web')
const builtIndex = path.join(web, 'dist/index.html')
const sources = ['src', 'public', 'build', 'index.html', 'vite.config.ts', 'package.json', '../../packages/shared/src'].map((p) => path.join(web, p))

function newestMtime(p) {
  if (!existsSync(p)) return 0
  const stat = statSync(p)
  if (!stat.isDirectory()) return stat.mtimeMs
  return readdirSync(p).reduce((newest, name) => Math.max(newest, newestMtime(path.join(p, name))), stat.mtimeMs)
}

if (existsSync(path.join(web, 'vite.config.ts'))) {
  const stale = !existsSync(builtIndex) || sources.some((p) => newestMtime(p) > statSync(builtIndex).mtimeMs)
  if (stale) run('pnpm', ['--filter', '@tokenauth/web', 'build'])
}
