import { AxiosError, AxiosHeaders, type AxiosResponse } from 'axios'
import { describe, expect, it, vi } from 'vitest'
import { createRestrictionNotice } from './restriction'

function refusal(status: number, code: string): AxiosError {
  const config = { headers: new AxiosHeaders() }
  const response = { status, data: { error: { code, message: '' } }, headers: {}, config, statusText: '' } as AxiosResponse
  return new AxiosError('refused', 'ERR_BAD_REQUEST', config, undefined, response)
}

describe('the restriction notice', () => {
  it('tells the app of a 403 with a restriction code, and passes the refusal on', async () => {
    const restricted = vi.fn()
    const notice = createRestrictionNotice(restricted)
    const error = refusal(403, 'password_change_required')
    await expect(notice(error)).rejects.toBe(error)
    expect(restricted).toHaveBeenCalledWith('password_change_required')
    await expect(notice(refusal(403, 'second_factor_enrolment_required'))).rejects.toBeInstanceOf(AxiosError)
    expect(restricted).toHaveBeenLastCalledWith('second_factor_enrolment_required')
  })

  it('ignores other refusals', async () => {
    const restricted = vi.fn()
    const notice = createRestrictionNotice(restricted)
    await expect(notice(refusal(403, 'insufficient_role'))).rejects.toBeInstanceOf(AxiosError)
    await expect(notice(refusal(401, 'password_change_required'))).rejects.toBeInstanceOf(AxiosError)
    expect(restricted).not.toHaveBeenCalled()
  })
})
