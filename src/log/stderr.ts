// Messages for the user on git's stderr. stdout is git's channel: nothing
// but protocol lines may ever go there from get/store/erase. Written
// straight to fd 2, synchronously: nothing is left to flush at exit, and
// the git side never has to create process.stderr (costly under Bun).
import { write } from '../runtime/sys.js'
import { printable } from '../core/terminal-text.js'

/** One message line; whatever it quotes from outside shows its control characters escaped. */
export function say(message: string): void {
  writeErr(`git-credential-pat: ${printable(message)}\n`)
}

/** Raw text to the user's stderr. */
export function writeErr(text: string): void {
  errSink.write(text)
}

/** Where stderr text goes: fd 2; unit tests swap `write` to capture it. */
export const errSink = { write: writeFd2 }

function writeFd2(text: string): void {
  try {
    writeAll(2, text)
  } catch {
    // stderr closed: nowhere to say it
  }
}

/** All of text to a descriptor, synchronously; a full pipe (EAGAIN) is waited for, not dropped. */
export function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text)
  for (let off = 0; off < buf.length;) {
    try {
      off += write(fd, off ? buf.subarray(off) : buf)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e
    }
  }
}
