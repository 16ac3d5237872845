// Reading a new token's secret: from stdin with --token-stdin, or from a
// hidden terminal prompt. Never from argv, where `ps` would show it.
import { PatError } from './errors.js'
import { openTerminal } from './tty.js'

export async function readNewSecret(opts: { tokenStdin?: boolean; question: string }): Promise<string> {
  let secret: string
  if (opts.tokenStdin) {
    secret = (await readAllStdin()).split(/\r?\n/, 1)[0].trim()
  } else {
    const tty = openTerminal()
    if (!tty) throw new PatError('INPUT', 'no terminal to ask for the token on; pipe it in with --token-stdin')
    try {
      secret = (await tty.ask(opts.question, { hidden: true })).trim()
    } finally {
      tty.close()
    }
  }
  return checkSecret(secret)
}

export function checkSecret(secret: string): string {
  if (!secret) throw new PatError('INPUT', 'the token is empty; nothing was saved')
  if (/[\s\x00-\x1f\x7f]/.test(secret)) throw new PatError('INPUT', 'the token contains spaces or control characters; nothing was saved')
  return secret
}

/**
 * stdin to EOF through the stream: once anything has touched process.stdin
 * (importing node:process does), a pipe is non-blocking and readFileSync(0)
 * fails with EAGAIN when the token has not arrived yet (`slow | add`).
 */
async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer))
  return Buffer.concat(chunks).toString('utf8')
}
