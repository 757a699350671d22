import type { AuditKind, AuditPage } from '@tokenauth/shared'
import { http } from './http'

/** Which audit events to read: all filters optional; `before` is the previous page's `nextBefore`. */
export interface AuditFilter {
  userId?: number
  kind?: AuditKind
  excludeKind?: AuditKind
  before?: string
  limit?: number
}

/** `GET /api/audit` (role `admin`): a page of security events, newest first. */
export async function listAuditEvents(filter: AuditFilter = {}): Promise<AuditPage> {
  const params: Record<string, string> = {}
  if (filter.userId !== undefined) params.userId = String(filter.userId)
  if (filter.kind !== undefined) params.kind = filter.kind
  if (filter.excludeKind !== undefined) params.excludeKind = filter.excludeKind
  if (filter.before !== undefined) params.before = filter.before
  if (filter.limit !== undefined) params.limit = String(filter.limit)
  const { data } = await http.get<AuditPage>('/audit', { params })
  return data
}
