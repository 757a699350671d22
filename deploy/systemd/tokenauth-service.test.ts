import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../apps/api/src/config/config.js'

const root = path.resolve(import.meta.dirname, '../..')
const shipped = readFileSync(path.join(import.meta.dirname, 'tokenauth.service'), 'utf8')
const scratch = mkdtempSync(path.join(tmpdir(), 'tokenauth-unit-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** The unit's settings, `Key=value` per line (a repeated key keeps every value). */
function settings(unit: string): Map<string, string[]> {
  const found = new Map<string, string[]>()
  for (const line of unit.split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line.trim())
    if (match?.[1] !== undefined) found.set(match[1], [...(found.get(match[1]) ?? []), match[2] ?? ''])
  }
  return found
}

/** The shipped unit, pointed at this checkout (verify needs ExecStart's binary to exist). */
function unitForThisCheckout(): string {
  const file = path.join(scratch, 'tokenauth.service')
  writeFileSync(file, shipped.replaceAll('/opt/tokenauth', root))
  return file
}

function systemdAnalyze(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync('systemd-analyze', args, { encoding: 'utf8' })
  if (run.error) throw new Error(`systemd-analyze did not run (${run.error.message}): install Debian's systemd package (.ci/run does)`)
  return { status: run.status, stdout: run.stdout, stderr: run.stderr }
}

describe('deploy/systemd/tokenauth.service', () => {
  it('passes systemd-analyze verify, and its ExecStart is the project’s own Node', () => {
    const unit = unitForThisCheckout()
    const verify = systemdAnalyze('verify', unit)
    expect(verify.stderr).toBe('')
    expect(verify.status).toBe(0)
    expect(settings(shipped).get('ExecStart')).toEqual(['/opt/tokenauth/node_modules/node/bin/node apps/api/dist/server.js'])
  })

  it('stops later than the server drains: TimeoutStopSec above SHUTDOWN_TIMEOUT + 2 s', () => {
    const stop = settings(shipped).get('TimeoutStopSec')?.[0] ?? ''
    expect(stop).toMatch(/^\d+s$/)
    expect(Number.parseInt(stop, 10)).toBeGreaterThan(loadConfig({}).shutdownTimeoutSeconds + 2)
  })

  it('keeps its data in a 0700 state directory, the only place it may write, and restarts on failure', () => {
    const unit = settings(shipped)
    expect(unit.get('StateDirectory')).toEqual(['tokenauth'])
    expect(unit.get('StateDirectoryMode')).toEqual(['0700'])
    expect(unit.get('Environment')?.join(' ')).toContain('DATA_DIR=%S/tokenauth')
    expect(unit.get('ProtectSystem')).toEqual(['strict'])
    expect(unit.get('ReadWritePaths')).toEqual(['%S/tokenauth'])
    expect(unit.get('NoNewPrivileges')).toEqual(['yes'])
    expect(unit.get('EnvironmentFile')).toEqual(['/etc/tokenauth/tokenauth.env'])
    expect(unit.get('Restart')).toEqual(['on-failure'])
    // V8 compiles into memory it then runs: this setting would stop Node at start.
    expect(unit.has('MemoryDenyWriteExecute')).toBe(false)
  })

  it('is sandboxed: systemd-analyze security rates its exposure 2.0 or lower', () => {
    const security = systemdAnalyze('security', '--offline=yes', unitForThisCheckout())
    const exposure = /Overall exposure level for tokenauth\.service: ([\d.]+)/.exec(security.stdout)?.[1]
    expect(exposure, security.stdout + security.stderr).toBeDefined()
    expect(Number(exposure)).toBeLessThanOrEqual(2)
  })
})
