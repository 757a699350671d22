import { createServer, type Server } from 'node:http'
import { once } from 'node:events'
import { prometheusContentType } from 'prom-client'

export interface MetricsServerOptions {
  readonly host: string
  readonly port: number
  readonly scrape: () => Promise<string>
  readonly onError: (error: unknown) => void
}

/**
 * `METRICS_PORT`: `GET /metrics` on a listener of its own, apart from the API's port,
 * so that only what can reach `METRICS_HOST:METRICS_PORT` can scrape. Nothing else answers.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<Server> {
  const server = createServer((request, response) => {
    const path = request.url?.split('?', 1)[0]
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found: GET /metrics\n')
      return
    }
    options.scrape().then(
      (text) => {
        response.writeHead(200, { 'content-type': prometheusContentType, 'cache-control': 'no-store' }).end(request.method === 'HEAD' ? undefined : text)
      },
      (error: unknown) => {
        options.onError(error)
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics could not be gathered\n')
      },
    )
  })
  server.listen(options.port, options.host)
  await once(server, 'listening')
  return server
}
