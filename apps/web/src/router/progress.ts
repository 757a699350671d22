import type { Router } from 'vue-router'
import { SLOW_NAVIGATION_MS, type Progress } from '../feedback/progress'

/**
 * Shows the progress bar while a navigation is slow (lazy chunk, boot-time restore).
 * A redirect runs the before-guards again without an after-hook in between, so one
 * navigation keeps one timer until it finally ends.
 */
export function installNavigationProgress(router: Router, progress: Pick<Progress, 'start'>): void {
  let done: (() => void) | null = null
  const finish = () => {
    done?.()
    done = null
  }
  router.beforeEach(() => {
    done ??= progress.start(SLOW_NAVIGATION_MS)
  })
  router.afterEach(finish)
  router.onError(finish)
}
