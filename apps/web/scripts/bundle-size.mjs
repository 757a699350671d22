#!/usr/bin/env node
// Compressed size of the JavaScript (and CSS) each part of the SPA loads, read from the
// Vite manifest of `vite build` (`build.manifest: true`): brotli as the server sends it (the
// build's `.br` copies, quality 11) and gzip level 9. Run after a build:
//   node apps/web/scripts/bundle-size.mjs          (or: pnpm --filter @tokenauth/web size)
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist')
const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'))

const gzipped = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length
/** The `.br` copy the build wrote; a file too small to get one is sent as it is (precompress.ts). */
const brotli = (file) => {
  const copy = join(dist, `${file}.br`)
  if (existsSync(copy)) return readFileSync(copy).length
  const content = readFileSync(join(dist, file))
  return Math.min(content.length, brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length)
}

/** Every chunk key a set of entries loads before rendering: themselves and their static imports. */
function closure(keys) {
  const seen = new Set()
  const visit = (key) => {
    if (seen.has(key) || !manifest[key]) return
    seen.add(key)
    for (const next of manifest[key].imports ?? []) visit(next)
  }
  keys.forEach(visit)
  return seen
}

/** What `keys` load, less what `already` loaded (a chunk fetched on demand from a page). */
function measure(keys, already = []) {
  const js = new Set()
  const css = new Set()
  const loaded = closure(already)
  for (const key of closure(keys)) {
    if (loaded.has(key)) continue
    js.add(manifest[key].file)
    for (const file of manifest[key].css ?? []) css.add(file)
  }
  const sum = (files, size) => [...files].reduce((total, file) => total + size(file), 0)
  return { js: sum(js, gzipped), css: sum(css, gzipped), jsBr: sum(js, brotli), cssBr: sum(css, brotli), files: js.size }
}

const entry = Object.keys(manifest).find((key) => manifest[key].isEntry)
const view = (name) => {
  const key = Object.keys(manifest).find((k) => k.endsWith(`/${name}.vue`))
  if (!key) throw new Error(`No chunk for ${name}.vue in the manifest`)
  return key
}
const dashboard = [
  'DashboardLayout',
  'OverviewView',
  'NotesView',
  'DevicesView',
  'ProfileView',
  'UsersView',
  'AuditView',
  'ServerStorageView',
  'ForbiddenView',
].map(view)

/** A language's messages: a chunk of its own, which a page loads before it mounts. */
const words = (locale) => {
  const key = Object.keys(manifest).find((k) => k.endsWith(`/i18n/messages/${locale}.ts`))
  if (!key) throw new Error(`No chunk for the ${locale} messages in the manifest`)
  return key
}
const overview = [entry, words('en'), view('DashboardLayout'), view('OverviewView')]

const rows = [
  ['/login (first paint), English', measure([entry, words('en'), view('LoginView')])],
  ['/login (first paint), Chinese', measure([entry, words('zh-CN'), view('LoginView')])],
  ['/ dashboard overview, English', measure(overview)],
  ['+ security chart (admins, on demand)', measure([view('SecurityChart')], overview)],
  ['whole dashboard (all its pages), English', measure([entry, words('en'), ...dashboard])],
  ['everything', measure(Object.keys(manifest))],
]

const kB = (bytes) => `${(bytes / 1024).toFixed(1)} kB`
const width = Math.max(...rows.map(([label]) => label.length))
console.log(`${''.padEnd(width)}  ${'brotli JS'.padStart(9)}  ${'CSS'.padStart(8)}  ${'gzip JS'.padStart(9)}  ${'CSS'.padStart(8)}  chunks`)
for (const [label, size] of rows) {
  const cells = [size.jsBr, size.cssBr, size.js, size.css].map((bytes, i) => kB(bytes).padStart(i % 2 ? 8 : 9))
  console.log(`${label.padEnd(width)}  ${cells.join('  ')}  ${size.files}`)
}
