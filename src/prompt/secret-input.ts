// Reading a new token's secret: from stdin with --token-stdin, or from a
// hidden terminal prompt. Never from argv, where `ps` would show it.
import { PatError } from '../errors.js'
import { Cancelled, leaveInterrupted, openTerminal } from './tty.js'
import { MAX_LINE } from '../core/protocol.js'

/**
 * The longest secret git could read back: it comes as `credential=SECRET`
 * (the longest key it is sent under) on one protocol line of at most
 * 65535 bytes.
 */
export const MAX_SECRET_BYTES = MAX_LINE - 'credential='.length

export async function readNewSecret(opts: { tokenStdin?: boolean; question: string }): Promise<string> {
  let secret: string
  if (opts.tokenStdin) {
    secret = (await readFirstLine()).trim()
  } else {
    const tty = openTerminal()
    if (!tty) throw new PatError('INPUT', 'no terminal to ask for the token on; pipe it in with --token-stdin')
    try {
      secret = (await tty.ask(opts.question, { hidden: true })).trim()
    } catch (e) {
      // Ctrl-C in add/rotate ends the command as Ctrl-C ends any (exit 130);
      // Ctrl-D stays the one-line INPUT error.
      if (e instanceof Cancelled && e.interrupted) leaveInterrupted()
      throw e
    } finally {
      tty.close()
    }
  }
  return checkSecret(secret)
}

export function checkSecret(secret: string): string {
  if (!secret) throw new PatError('INPUT', 'the token is empty; nothing was saved')
  if (Buffer.byteLength(secret) > MAX_SECRET_BYTES) throw tooLong()
  if (/[\s\x00-\x1f\x7f]/.test(secret)) throw new PatError('INPUT', 'the token contains spaces or control characters; nothing was saved')
  return secret
}

const tooLong = () =>
  new PatError(
    'USAGE',
    `the token is longer than ${MAX_SECRET_BYTES} bytes, more than git's credential protocol can carry back (65535-byte lines); nothing was saved`,
  )

/**
 * The first line of stdin, through the stream: once anything has touched
 * process.stdin (importing node:process does), a pipe is non-blocking and
 * readFileSync(0) fails with EAGAIN when the token has not arrived yet
 * (`slow | add`). Reading stops at the first newline or once the line is
 * too long to be a token, so endless input cannot fill the memory. The
 * bytes must be UTF-8: decoding anything else would alter the secret.
 */
async function readFirstLine(): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  let line: Buffer | undefined
  for await (const chunk of process.stdin) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
    const nl = b.indexOf(10)
    chunks.push(nl === -1 ? b : b.subarray(0, nl))
    size += nl === -1 ? b.length : nl
    if (nl !== -1) {
      line = Buffer.concat(chunks)
      break
    }
    // Room for a CR and surrounding blanks, which are trimmed.
    if (size > MAX_SECRET_BYTES + 64) throw tooLong()
  }
  process.stdin.destroy()
  line ??= Buffer.concat(chunks)
  if (line.length > MAX_SECRET_BYTES + 64) throw tooLong()
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(line).replace(/\r$/, '')
  } catch {
    throw new PatError('INPUT', 'the token on stdin is not valid UTF-8; nothing was saved (it would have been altered)')
  }
}
