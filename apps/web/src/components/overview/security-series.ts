import type { SecuritySeriesName } from '@tokenauth/shared'

/**
 * How each line of the security chart looks: a theme color (a CSS variable, read when
 * drawn, so both themes hold) and a dash, so lines differ without color too.
 */
export const SERIES_LOOK: Readonly<Record<SecuritySeriesName, { readonly color: string; readonly dash: readonly number[] }>> = {
  sign_ins: { color: '--success', dash: [] },
  failed_sign_ins: { color: '--danger', dash: [6, 3] },
  throttled: { color: '--warning', dash: [2, 3] },
}

/** One line as the chart draws it. */
export interface ChartSeries {
  readonly name: SecuritySeriesName
  readonly label: string
  readonly counts: readonly number[]
}
