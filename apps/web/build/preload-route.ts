import type { HtmlTagDescriptor, Plugin, Rolldown } from 'vite'

type OutputBundle = Rolldown.OutputBundle
type OutputChunk = Rolldown.OutputChunk

/**
 * `<link rel="modulepreload">` for a lazily loaded view's chunk and the chunks it imports,
 * and `<link rel="preload" as="style">` for their CSS, in the built `index.html`.
 *
 * The router's first navigation waits for the start-up renewal check, and only then
 * imports the view: without hints the browser would start on the view's files after that
 * round trip. With them it fetches them beside the entry chunk. The CSS is preloaded, not
 * applied: Vite's loader adds the stylesheet when the view is imported (from the
 * preloaded response), so other pages do not get the view's styles.
 */
export function preloadRoute(viewPath: string): Plugin {
  let base = '/'
  return {
    name: 'tokenauth:preload-route',
    apply: 'build',
    configResolved(config) {
      base = config.base
    },
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        if (!ctx.bundle) return
        return preloadTags(ctx.bundle, viewPath, base)
      },
    },
  }
}

/** The hint tags for the chunk built from `viewPath` (a path ending, e.g. `/src/views/LoginView.vue`). */
export function preloadTags(bundle: OutputBundle, viewPath: string, base = '/'): HtmlTagDescriptor[] {
  const chunks = Object.values(bundle).filter((file): file is OutputChunk => file.type === 'chunk')
  const view = chunks.find((chunk) => chunk.facadeModuleId?.endsWith(viewPath))
  if (!view) throw new Error(`preload-route: no chunk is built from ${viewPath}`)
  const byName = new Map(chunks.map((chunk) => [chunk.fileName, chunk]))

  // The view and what it imports statically; the entry is in the page already.
  const files: OutputChunk[] = []
  const visit = (chunk: OutputChunk) => {
    if (chunk.isEntry || files.includes(chunk)) return
    files.push(chunk)
    for (const name of chunk.imports) {
      const next = byName.get(name)
      if (next) visit(next)
    }
  }
  visit(view)

  const css = new Set(files.flatMap((chunk) => [...(chunk.viteMetadata?.importedCss ?? [])]))
  return [
    ...files.map((chunk): HtmlTagDescriptor => ({
      tag: 'link',
      attrs: { rel: 'modulepreload', crossorigin: true, href: `${base}${chunk.fileName}` },
      injectTo: 'head',
    })),
    ...[...css].map((file): HtmlTagDescriptor => ({
      tag: 'link',
      attrs: { rel: 'preload', as: 'style', crossorigin: true, href: `${base}${file}` },
      injectTo: 'head',
    })),
  ]
}
