import { AuditDetail } from '@tokenauth/shared'
import { Compile } from 'typebox/compile'

/** How `AuditDetail` is stored: the code in `reason`, its parameters as JSON in `params`. */
export interface AuditDetailColumns {
  readonly reason: string | null
  readonly params: string | null
}

const checkDetail = Compile(AuditDetail)

export function toDetailColumns(detail: AuditDetail | null | undefined): AuditDetailColumns {
  if (!detail) return { reason: null, params: null }
  return { reason: detail.reason, params: 'params' in detail ? JSON.stringify(detail.params) : null }
}

/**
 * The stored reason, checked against the closed list: a row this build cannot read (a code
 * from a newer server, a hand-edited row) is shown as `legacy` with the code as its text,
 * never passed on unchecked.
 */
export function fromDetailColumns(columns: AuditDetailColumns): AuditDetail | null {
  if (columns.reason === null) return null
  let params: unknown
  try {
    params = columns.params === null ? undefined : JSON.parse(columns.params)
  } catch {
    params = undefined
  }
  const detail: unknown = params === undefined ? { reason: columns.reason } : { reason: columns.reason, params }
  if (checkDetail.Check(detail)) return detail
  return { reason: 'legacy', params: { text: columns.params === null ? columns.reason : `${columns.reason} ${columns.params}` } }
}
