import type { FastifyRequest } from 'fastify'
import { expect, test } from 'tstyche'
import type { TokenAuthPrincipal } from '@tokenauth/fastify-token-auth'

// An app that registers the plugin with `decoratorName: 'account'` says so once, here.
declare module '@tokenauth/fastify-token-auth' {
  interface TokenAuthDecorator {
    readonly name: 'account'
  }
}

test('the principal is typed under the declared name, and request.user is left to other plugins', () => {
  expect<FastifyRequest['account']>().type.toBe<TokenAuthPrincipal | null>()
  expect<FastifyRequest>().type.not.toHaveProperty('user')
})
