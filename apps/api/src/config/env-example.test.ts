import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parseEnv } from 'node:util'
import { describe, expect, it } from 'vitest'
import { loadConfig } from './config.js'

const root = path.resolve(import.meta.dirname, '../../../..')
const exampleText = readFileSync(path.join(root, '.env.example'), 'utf8')
const example = parseEnv(exampleText)

/** Every variable name `config.ts` reads: `env.NAME` or a helper called with `(env, 'NAME'`. */
function variablesRead(): string[] {
  const source = readFileSync(path.join(import.meta.dirname, 'config.ts'), 'utf8')
  const names = [...source.matchAll(/env\.([A-Z][A-Z0-9_]+)|\(env, '([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1] ?? m[2] ?? '')
  return [...new Set(names)].sort()
}

describe('.env.example', () => {
  it('lists every variable the server reads', () => {
    expect(Object.keys(example).sort()).toEqual(variablesRead())
  })

  it('says what each means: a comment line right above each variable', () => {
    const lines = exampleText.split('\n')
    const unexplained = lines.flatMap((line, i) => {
      const name = /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1]
      return name && !/^# \S/.test(lines[i - 1] ?? '') ? [name] : []
    })
    expect(unexplained).toEqual([])
  })

  it('gives each its default: loading it changes nothing', () => {
    expect(loadConfig(example)).toEqual(loadConfig({}))
  })
})
