// The git side: `git-credential-pat get|store|erase` (SPEC §2). Loads only
// what these operations need; the management CLI and yargs stay unloaded.
import { readSync } from 'node:fs'
import { parseCredential, type Credential } from './protocol.js'
import { report } from './errors.js'

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

export async function runHelper(op: Operation): Promise<number> {
  let cred: Credential
  try {
    cred = parseCredential(readStdin())
  } catch (e) {
    return report(e)
  }
  try {
    if (cred.protocol !== undefined && !['http', 'https'].includes(cred.protocol.toLowerCase())) return 0
    if (op === 'get') {
      const { get } = await import('./get.js')
      process.stdout.write(await get(cred))
    } else if (op === 'store') {
      await (await import('./store.js')).store(cred)
    } else {
      await (await import('./erase.js')).erase(cred)
    }
    return 0
  } catch (e) {
    return report(e)
  }
}
