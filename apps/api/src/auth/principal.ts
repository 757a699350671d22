import type { Restriction, User } from '@tokenauth/shared'

declare module '@tokenauth/fastify-token-auth' {
  /** Who `request.user` is in this app. */
  interface TokenAuthPrincipal {
    readonly id: number
    readonly username: string
    /** The session's public handle (the token's `sid`). */
    readonly sessionId: string
    /** When the person last proved who they are, seconds since the epoch (the token's `auth_time`); unknown for older sessions. */
    readonly authTime: number | undefined
    /** How (the token's `amr`, RFC 8176 values: `pwd`, `otp`, `mfa`). */
    readonly amr: readonly string[]
    /**
     * What the session must do before anything else (see `restricted-session.ts`), judged
     * from the account's state on this request's session read; `undefined` when nothing.
     */
    readonly restriction: Restriction | undefined
  }
}

/** The public view of a user record or principal. */
export function toPublicUser(user: { id: number; username: string; roles: readonly string[] }): User {
  return { id: user.id, username: user.username, roles: [...user.roles] }
}
