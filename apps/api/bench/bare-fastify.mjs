// The reference of `pnpm bench`: a bare Fastify 5 route with no plugins, in a process of
// its own, answering what `GET /api/health` answers. Whatever tokenauth costs per request
// is measured as a multiple of what this costs on the same machine in the same run.
import Fastify from 'fastify'

const app = Fastify({ logger: false })
app.get('/api/health', { schema: { response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } } }, () => ({
  status: 'ok',
}))
const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) })
process.stdout.write(`listening ${address}\n`)
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => void app.close().then(() => process.exit(0)))
