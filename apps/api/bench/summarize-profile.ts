/**
 * Where a `.cpuprofile`'s samples went: self time by function and by file (package), the
 * top entries. `node --import tsx apps/api/bench/summarize-profile.ts <file> [top]`.
 */
import { readFileSync } from 'node:fs'

interface ProfileNode {
  readonly id: number
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[]
  readonly samples: readonly number[]
}

/** A file's short name: the package (with its inner path) or the path under the repository. */
function shortFile(url: string): string {
  if (url === '') return '(native)'
  const modules = url.lastIndexOf('node_modules/')
  if (modules !== -1) return url.slice(modules + 'node_modules/'.length)
  const repo = url.indexOf('/apps/')
  const packages = url.indexOf('/packages/')
  const at = repo !== -1 ? repo : packages
  return at !== -1 ? url.slice(at + 1) : url
}

function top(counts: Map<string, number>, total: number, limit: number): string {
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, count]) => `${((100 * count) / total).toFixed(1).padStart(5)} %  ${name}`)
    .join('\n')
}

export function printProfileSummary(file: string, limit = 40): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const byFunction = new Map<string, number>()
  const byFile = new Map<string, number>()
  let total = 0
  for (const id of profile.samples) {
    const node = byId.get(id)
    if (!node) continue
    const { functionName, url, lineNumber } = node.callFrame
    if (functionName === '(idle)') continue
    total++
    const where = shortFile(url)
    const name = `${functionName || '(anonymous)'}  ${where}:${lineNumber + 1}`
    byFunction.set(name, (byFunction.get(name) ?? 0) + 1)
    const pkg = where.startsWith('@') ? where.split('/').slice(0, 2).join('/') : where.split('/')[0] === 'apps' || where.split('/')[0] === 'packages' ? where : where.split('/')[0] ?? where
    byFile.set(pkg, (byFile.get(pkg) ?? 0) + 1)
  }
  process.stdout.write(`${total} busy samples\n\nself time by function:\n${top(byFunction, total, limit)}\n\nself time by file/package:\n${top(byFile, total, limit)}\n`)
}

if (import.meta.url === `file://${process.argv[1]}`) printProfileSummary(process.argv[2] ?? '', Number(process.argv[3] ?? 40))
