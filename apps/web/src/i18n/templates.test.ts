import { existsSync } from 'node:fs'
import path from 'node:path'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

/** The workspace root (where eslint.config.js is), from wherever Vitest was started. */
function workspaceRoot(from = process.cwd()): string {
  if (existsSync(path.join(from, 'pnpm-workspace.yaml'))) return from
  const parent = path.dirname(from)
  if (parent === from) throw new Error('no pnpm-workspace.yaml above the working directory')
  return workspaceRoot(parent)
}
const repoRoot = workspaceRoot()

describe('templates', () => {
  it('show no untranslated text: every word comes from the messages (@intlify/vue-i18n/no-raw-text)', async () => {
    const eslint = new ESLint({ cwd: repoRoot, ruleFilter: ({ ruleId }) => ruleId === '@intlify/vue-i18n/no-raw-text' })
    const results = await eslint.lintFiles(['apps/web/src/**/*.vue'])
    const raw = results.flatMap((result) =>
      result.messages
        .filter((message) => message.ruleId === '@intlify/vue-i18n/no-raw-text')
        .map((message) => `${path.relative(repoRoot, result.filePath)}:${message.line} ${message.message}`),
    )
    expect(results.length).toBeGreaterThan(30)
    expect(raw).toEqual([])
  }, 60_000)
})
