import { expect, it } from 'vitest'
import { fromDetailColumns, toDetailColumns } from './audit-detail-columns.js'

it('stores the code and its parameters, and reads them back', () => {
  const detail = { reason: 'all_ended_by_admin', params: { actor: 'root', count: 2 } } as const
  expect(toDetailColumns(detail)).toEqual({ reason: 'all_ended_by_admin', params: '{"actor":"root","count":2}' })
  expect(fromDetailColumns(toDetailColumns(detail))).toEqual(detail)
  expect(fromDetailColumns(toDetailColumns({ reason: 'wrong_password' }))).toEqual({ reason: 'wrong_password' })
  expect(fromDetailColumns(toDetailColumns(null))).toBeNull()
})

it('passes on no row it cannot check: an unknown code or bad parameters read as legacy text', () => {
  expect(fromDetailColumns({ reason: 'from_a_newer_server', params: null })).toEqual({ reason: 'legacy', params: { text: 'from_a_newer_server' } })
  expect(fromDetailColumns({ reason: 'others_ended', params: '{"count":"many"}' })).toEqual({ reason: 'legacy', params: { text: 'others_ended {"count":"many"}' } })
  expect(fromDetailColumns({ reason: 'others_ended', params: 'not json' })).toEqual({ reason: 'legacy', params: { text: 'others_ended not json' } })
  expect(fromDetailColumns({ reason: 'wrong_password', params: '{"extra":1}' })).toEqual({ reason: 'legacy', params: { text: 'wrong_password {"extra":1}' } })
})
