import { createInterface } from 'node:readline'
import { Writable, type Readable } from 'node:stream'

/**
 * Reads one line from a pipe (`printf 'secret\n' | pnpm users add alice`), without a
 * prompt. Only the first line counts; its line ending is not part of the password.
 */
export async function readLineFromPipe(input: Readable): Promise<string> {
  const rl = createInterface({ input, terminal: false })
  try {
    for await (const line of rl) return line
    return ''
  } finally {
    rl.close()
  }
}

/** Prompts on a terminal with echo off: what is typed never shows on screen. */
export function promptHidden(question: string, input: Readable, output: NodeJS.WritableStream): Promise<string> {
  return new Promise((resolve) => {
    output.write(question)
    // readline echoes through its output stream; give it one that swallows everything.
    const silent = new Writable({ write: (_chunk, _encoding, done) => done() })
    const rl = createInterface({ input, output: silent, terminal: true })
    rl.question('', (answer) => {
      rl.close()
      output.write('\n')
      resolve(answer)
    })
  })
}
