import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { build, type Rolldown } from 'vite'
import { describe, expect, it } from 'vitest'
import { preloadRoute } from './preload-route'

/** A real Vite build of a page whose entry imports a view lazily; the view imports a helper and CSS. */
async function buildApp(viewPath: string): Promise<{ html: string; files: string[] }> {
  const root = mkdtempSync(path.join(tmpdir(), 'tokenauth-preload-'))
  try {
    mkdirSync(path.join(root, 'src'))
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><html><head></head><body><script type="module" src="/src/main.js"></script></body></html>')
    writeFileSync(path.join(root, 'src/View.js'), "import './view.css'\nimport { helper } from './helper.js'\nexport default helper('view')\n")
    writeFileSync(path.join(root, 'src/Other.js'), "import { helper } from './helper.js'\nexport default helper('other')\n")
    writeFileSync(path.join(root, 'src/helper.js'), 'export const helper = (name) => `${name} ${Math.random()}`\n')
    writeFileSync(path.join(root, 'src/view.css'), '.view { color: red }\n')
    // Two lazy importers of the helper, so it gets a chunk of its own; kept by side effects.
    writeFileSync(path.join(root, 'src/main.js'), "window.pages = [() => import('./View.js'), () => import('./Other.js')]\n")
    const result = await build({
      root,
      logLevel: 'silent',
      configFile: false,
      plugins: [preloadRoute(viewPath)],
      build: { write: false, modulePreload: { polyfill: false } },
    })
    // One environment, not watching: one output.
    if (Array.isArray(result) || !('output' in result)) throw new Error('expected one build output')
    const output: Rolldown.RolldownOutput = result
    const html = output.output.find((file) => file.fileName === 'index.html')
    return { html: html?.type === 'asset' ? String(html.source) : '', files: output.output.map((file) => file.fileName) }
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}

describe('preloadRoute', () => {
  it("names the view's chunk, the chunks it imports and its CSS in index.html, and not the others", async () => {
    const { html, files } = await buildApp('/src/View.js')
    const view = files.find((file) => /^assets\/View-.*\.js$/.test(file))
    const helper = files.find((file) => /^assets\/helper-.*\.js$/.test(file))
    const css = files.find((file) => file.endsWith('.css'))
    const other = files.find((file) => /^assets\/Other-.*\.js$/.test(file))
    expect(view && helper && css && other).toBeTruthy()
    expect(html).toContain(`<link rel="modulepreload" crossorigin href="/${view}">`)
    expect(html).toContain(`<link rel="modulepreload" crossorigin href="/${helper}">`)
    expect(html).toContain(`<link rel="preload" as="style" crossorigin href="/${css}">`)
    expect(html).not.toContain(`/${other}`)
  })

  it('fails the build when no chunk is built from the view', async () => {
    await expect(buildApp('/src/Missing.vue')).rejects.toThrow(/no chunk is built from \/src\/Missing\.vue/)
  })
})
