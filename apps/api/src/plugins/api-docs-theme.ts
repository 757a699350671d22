/**
 * tokenauth's look for the API reference (`api-docs.ts`): its name and mark in the top bar,
 * no "Explore" box (it loads any URL's document, which this page has no use for), and a
 * dark theme when the system is dark. Served as files under the reference's own prefix, so
 * the page's policy (`style-src 'self'` plus Swagger UI's one hashed element) holds.
 */

/** The web app's mark (apps/web/public/favicon.svg). */
const MARK = `<rect width="32" height="32" rx="7" fill="#2f5bea"/><path d="M11 14v-3a5 5 0 0 1 10 0v3" fill="none" stroke="#fff" stroke-width="2.5"/><rect x="8" y="14" width="16" height="12" rx="2.5" fill="#fff"/><circle cx="16" cy="20" r="2" fill="#2f5bea"/>`

export const API_DOCS_FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">${MARK}</svg>`

/** The top bar's logo: the mark and the name, white on Swagger UI's dark bar in both themes. */
export const API_DOCS_LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 236 40" width="236" height="40" role="img" aria-label="tokenauth API">
<title>tokenauth API</title>
<g transform="translate(2 4)">${MARK}</g>
<text x="44" y="28" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="22" font-weight="600" fill="#fff">tokenauth <tspan font-weight="400" fill="#c8cedb">API</tspan></text>
</svg>`

/**
 * Swagger UI has a dark theme of its own (`html.dark-mode`, turned on at start when the
 * system is dark — `prefers-color-scheme` — and by its switch in the top bar), but the page
 * under it stays light: index.css paints the body #fafafa. The rules below finish it, under
 * the same class, so the switch still works both ways.
 */
export const API_DOCS_CSS = `/* tokenauth: the reference's top bar, and the rest of Swagger UI's dark theme. */
.swagger-ui .topbar .download-url-wrapper { display: none; }
.swagger-ui .topbar .topbar-wrapper { justify-content: flex-start; }
.swagger-ui .topbar .topbar-wrapper img { height: 40px; width: auto; }

html.dark-mode body { background: #1c2022; }
html.dark-mode .swagger-ui .scheme-container { background: #1c2022; box-shadow: 0 1px 0 #333845; }
html.dark-mode .swagger-ui input[type='text'], html.dark-mode .swagger-ui input[type='password'],
html.dark-mode .swagger-ui textarea, html.dark-mode .swagger-ui select { background: #252a2d; color: #e4e6e6; border-color: #41474c; }
html.dark-mode .swagger-ui .dialog-ux .modal-ux { background: #1c2022; border-color: #41474c; }
`
