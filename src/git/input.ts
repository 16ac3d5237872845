// What git hands a helper: the operation as its one argument and the
// credential on stdin (git-credential(1), "CUSTOM HELPERS").
import { read } from '../runtime/sys.js'

export const OPERATIONS = ['get', 'store', 'erase'] as const
export type Operation = (typeof OPERATIONS)[number]

/** Read stdin until EOF (git closes it after the blank line). */
export function readStdin(): Buffer {
  const chunks: Buffer[] = []
  const buf = Buffer.allocUnsafe(16384)
  for (;;) {
    let n: number
    try {
      n = read(0, buf)
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
