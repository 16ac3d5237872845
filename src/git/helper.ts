// The git side: `git-credential-pat get|store|erase` (SPEC §2). Loads only
// what these operations need; the management CLI and yargs stay unloaded.
import { readSync } from 'node:fs'
import { parseCredential, type Credential } from '../core/protocol.js'
import { writeAll } from '../log/stderr.js'
import { get } from './get.js'
import { PatError, report } from '../errors.js'
import { logRequest } from '../log/log.js'
import type { EraseDeps } from './erase.js'

export const OPERATIONS = ['get', 'store', 'erase'] as const
export type Operation = (typeof OPERATIONS)[number]

/** Read stdin until EOF (git closes it after the blank line). */
export function readStdin(): Buffer {
  const chunks: Buffer[] = []
  const buf = Buffer.alloc(65536)
  for (;;) {
    let n: number
    try {
      n = readSync(0, buf, 0, buf.length, null)
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if (code === 'EAGAIN') continue
      if (code === 'EOF' || code === 'EBADF') break
      throw e
    }
    if (n === 0) break
    chunks.push(Buffer.from(buf.subarray(0, n)))
    // A blank line ends the credential; stop reading there (a tty stays open).
    const all = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)
    if (all.includes('\n\n') || all.subarray(0, 1).toString() === '\n') break
  }
  return Buffer.concat(chunks)
}

/**
 * Write git's answer straight to fd 1: setting up process.stdout (a pipe
 * socket under git) costs a few milliseconds on every request.
 */
function writeOut(text: string): void {
  writeAll(1, text)
}

export async function runHelper(op: Operation): Promise<number> {
  const started = performance.now()
  let outcome = 'done'
  let failure: unknown
  let cred: Credential
  try {
    cred = parseCredential(readStdin())
  } catch (e) {
    logRequest(op, undefined, started, 'malformed', e)
    return report(e)
  }
  try {
    if (cred.protocol !== undefined && !['http', 'https'].includes(cred.protocol.toLowerCase())) {
      outcome = 'not http'
      return 0
    }
    if (op === 'get') {
      const answer = await get(cred)
      writeOut(answer)
      outcome = answer ? 'answered' : 'none'
    } else if (op === 'store') {
      await (await import('./store.js')).store(cred)
    } else {
      // The forge is asked, within a few seconds, whether an added token still works (SPEC §2).
      const stillValid: EraseDeps['stillValid'] = async (t, secret) => (await import('../forge/still-valid.js')).stillValid(t, secret)
      await (await import('./erase.js')).erase(cred, { stillValid })
    }
    return 0
  } catch (e) {
    failure = e
    const code = report(e)
    // An unreadable metadata file is reported, and a get still exits 0 so git
    // falls through to its next helper or prompt (SPEC §7; issue 10 faults).
    return op === 'get' && e instanceof PatError && e.code === 'METADATA' ? 0 : code
  } finally {
    logRequest(op, cred, started, outcome, failure)
  }
}
