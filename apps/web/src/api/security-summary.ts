import type { SecuritySummary, SecuritySummaryRange } from '@tokenauth/shared'
import { http } from './http'

/** `GET /api/audit/summary` (role `admin`): sign-in events per UTC hour (24 h) or day (30 days). */
export async function getSecuritySummary(range: SecuritySummaryRange): Promise<SecuritySummary> {
  const { data } = await http.get<SecuritySummary>('/audit/summary', { params: { range } })
  return data
}
