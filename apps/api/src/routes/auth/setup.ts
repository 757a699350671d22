import { LoginResponse, SetupRequest, SetupStatus } from '@tokenauth/shared'
import type { App } from '../../http/app-instance.js'
import { ApiError } from '../../http/api-error.js'
import { errorResponses } from '../../http/schemas.js'
import { startSession } from '../../auth/start-session.js'
import { checkNewPassword } from '../../auth/password-policy.js'

/**
 * `GET /api/setup` and `POST /api/setup`: the first admin account, created in the browser
 * with the one-time link the server prints while no user exists. No default password.
 */
export function setupRoutes(app: App): void {
  const { services } = app
  app.get(
    '/setup',
    {
      config: { auth: 'public' },
      schema: { tags: ['setup'], summary: 'Whether the first admin still has to be created', response: { 200: SetupStatus } },
    },
    async () => ({ required: (await services.users.count()) === 0 }),
  )

  app.post(
    '/setup',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['setup'],
        summary: 'Create the first admin with the setup link',
        body: SetupRequest,
        response: { 201: LoginResponse, ...errorResponses(400, 403, 409) },
      },
    },
    async (request, reply) => {
      const { setupToken, username, password } = request.body
      if ((await services.users.count()) > 0) throw new ApiError(409, 'setup_complete')
      const nonce = await services.setupTokens.check(setupToken)
      if (!nonce) throw new ApiError(403, 'invalid_setup_token')
      const policy = checkNewPassword(password, { username })
      if (!policy.ok) throw new ApiError(400, 'invalid_password', policy.message)
      const passwordHash = await services.passwords.hash(password)
      const result = await services.setupTokens.redeem(nonce, (q) =>
        services.users.create({ username, passwordHash, roles: ['admin'], createdAt: services.clock() }, q),
      )
      if (!result.ok) {
        throw result.reason === 'complete' ? new ApiError(409, 'setup_complete') : new ApiError(403, 'invalid_setup_token')
      }
      request.log.info({ userId: result.value.id }, 'first admin created')
      await services.audit.record(request, 'setup_completed', { userId: result.value.id, username: result.value.username })
      const response = await startSession(services, request, result.value)
      return reply.code(201).send(response)
    },
  )
}
