// The reference of `pnpm bench`: a bare Fastify 5 route with no plugins, in a process of
// its own, answering what `GET /api/health` answers. Whatever tokenauth costs per request
// is measured as a multiple of what this costs on the same machine in the same run.
// BARE_SECURITY_HEADERS=1 adds tokenauth's own security header set (from the built app),
// written the cheapest way Fastify offers: one precomputed, frozen set per answer, and
// nothing else. That is the floor under every tokenauth route, which must send those headers.
// Both forms hold a tick object as tokenauth's server does (src/runtime/hold-tick-shape.ts): V8's
// slow path for `process.nextTick` would otherwise make the reference slower at random.
import '../dist/runtime/hold-tick-shape.js'
import Fastify from 'fastify'

const app = Fastify({ logger: false })
if (process.env.BARE_SECURITY_HEADERS === '1') {
  const { securityHeaderSet } = await import('../dist/plugins/security-headers.js')
  const headers = securityHeaderSet(false)
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers)
    done()
  })
}
app.get('/api/health', { schema: { response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } } }, () => ({
  status: 'ok',
}))
const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) })
process.stdout.write(`listening ${address}\n`)
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => void app.close().then(() => process.exit(0)))
