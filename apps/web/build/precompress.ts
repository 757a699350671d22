import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import type { Plugin } from 'vite'

/** Text files worth compressing; images and fonts are compressed already. */
const COMPRESSIBLE = new Set(['.js', '.css', '.html', '.svg', '.json', '.txt', '.map'])
/** Below this a compressed copy saves less than its headers cost. */
const MIN_BYTES = 1024

/**
 * Writes `name.br` (brotli, quality 11) and `name.gz` (gzip, level 9) beside every text
 * file of the build, once, at build time, so the server sends them as they are
 * (@fastify/static's `preCompressed`) instead of compressing per request or not at all.
 * A copy that would not be smaller is not written. Dot-directories (`.vite`) are skipped.
 */
export function precompress(): Plugin {
  let outDir = 'dist'
  return {
    name: 'tokenauth:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir)
    },
    closeBundle() {
      for (const file of filesUnder(outDir)) {
        if (!COMPRESSIBLE.has(path.extname(file))) continue
        const content = readFileSync(file)
        if (content.length < MIN_BYTES) continue
        const brotli = brotliCompressSync(content, {
          params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: content.length },
        })
        if (brotli.length < content.length) writeFileSync(`${file}.br`, brotli)
        const gzip = gzipSync(content, { level: 9 })
        if (gzip.length < content.length) writeFileSync(`${file}.gz`, gzip)
      }
    },
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name.startsWith('.')) return []
    const full = path.join(dir, name)
    return statSync(full).isDirectory() ? filesUnder(full) : [full]
  })
}
