import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import type { ResolvedConfig } from 'vite'
import { describe, expect, it } from 'vitest'
import { precompress } from './precompress'

function runPlugin(root: string): void {
  const plugin = precompress()
  const configResolved = plugin.configResolved as (config: ResolvedConfig) => void
  configResolved({ root, build: { outDir: 'dist' } } as ResolvedConfig)
  ;(plugin.closeBundle as () => void)()
}

describe('precompress', () => {
  it('writes brotli and gzip copies of text files that decompress to the same bytes', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'tokenauth-precompress-'))
    try {
      const dist = path.join(root, 'dist')
      mkdirSync(path.join(dist, 'assets'), { recursive: true })
      mkdirSync(path.join(dist, '.vite'))
      const script = 'export const words = ' + JSON.stringify(Array.from({ length: 400 }, (_, i) => `word-${i}`)) + '\n'
      writeFileSync(path.join(dist, 'assets', 'app.js'), script)
      writeFileSync(path.join(dist, 'assets', 'tiny.css'), 'a{}')
      writeFileSync(path.join(dist, 'assets', 'logo.png'), Buffer.alloc(4096, 1))
      writeFileSync(path.join(dist, '.vite', 'manifest.json'), script)

      runPlugin(root)

      const js = path.join(dist, 'assets', 'app.js')
      expect(brotliDecompressSync(readFileSync(`${js}.br`)).toString()).toBe(script)
      expect(gunzipSync(readFileSync(`${js}.gz`)).toString()).toBe(script)
      expect(readFileSync(`${js}.br`).length).toBeLessThan(script.length / 3)
      expect(existsSync(path.join(dist, 'assets', 'tiny.css.br'))).toBe(false)
      expect(existsSync(path.join(dist, 'assets', 'logo.png.br'))).toBe(false)
      expect(existsSync(path.join(dist, '.vite', 'manifest.json.br'))).toBe(false)
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})
