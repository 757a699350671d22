import type { Browser } from 'playwright-core'
import { setupAdminWithApi } from './app'
import { launchBrowser } from './browser'
import { addUserWithCli, startServer, type RunningServer, type ServerOptions } from './server'

/** What most e2e files run against: the real server and one Chromium. */
export interface E2eApp {
  readonly server: RunningServer
  readonly browser: Browser
}

export interface AppOptions extends ServerOptions {
  /** More users, added with the CLI as an operator would. */
  readonly users?: ReadonlyArray<{ username: string; password: string; roles?: string[] }>
}

/** Starts the server with the first admin set up (and `users`), then Chromium. */
export async function startAppWithAdmin(options: AppOptions = {}): Promise<E2eApp> {
  const { users = [], ...serverOptions } = options
  const server = await startServer(serverOptions)
  await setupAdminWithApi(server)
  for (const user of users) await addUserWithCli(server, user.username, user.password, user.roles)
  return { server, browser: await launchBrowser() }
}

/** Closes Chromium, then stops the server; safe after a failed start. */
export async function stopApp(app: Partial<E2eApp> | undefined): Promise<void> {
  await app?.browser?.close()
  await app?.server?.stop()
}
