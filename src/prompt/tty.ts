// Questions on the terminal. git's own stdin/stdout are pipes, so a helper
// talks to the user through /dev/tty, as git's prompt does (git's
// compat/terminal.c). Hidden answers switch echo off.
import { openSync } from 'node:fs'
import { ReadStream, WriteStream } from 'node:tty'
import { PatError } from '../errors.js'
import { say } from '../log/stderr.js'

/** Ctrl-C or Ctrl-D at a question. */
export class Cancelled extends PatError {
  /** Ctrl-C or SIGINT, as opposed to Ctrl-D (end of input). */
  readonly interrupted: boolean
  constructor(interrupted = false) {
    super('INPUT', 'cancelled; nothing was saved')
    this.interrupted = interrupted
  }
}

/**
 * Leave as an interrupted program does: say so, then die of SIGINT again,
 * so the shell sees 130 and a calling script stops too
 * (https://www.cons.org/cracauer/sigint.html). The terminal is already
 * back in cooked mode (readLine restores it before rejecting). Should a
 * SIGINT listener keep the process alive, exit 130 anyway.
 */
export function leaveInterrupted(): never {
  say('cancelled; nothing was saved')
  process.kill(process.pid, 'SIGINT')
  process.exit(130)
}

export interface Terminal {
  write(text: string): void
  ask(question: string, opts?: { hidden?: boolean }): Promise<string>
  close(): void
}

/**
 * The controlling terminal, or null if there is none. Opened once per
 * process and kept: closing it and opening it again for the next question
 * lets a stream's deferred close hit the reused descriptor (Bun closes
 * asynchronously: the second question failed with EBADF). close() only
 * stops reading, so the process can still exit.
 */
let shared: Terminal | null | undefined
export function openTerminal(): Terminal | null {
  if (shared !== undefined) return shared
  let fd: number
  try {
    fd = openSync('/dev/tty', 'r+')
  } catch {
    return null // not cached: a terminal may appear later (tests)
  }
  const input = new ReadStream(fd)
  const output = new WriteStream(fd)
  shared = {
    write: text => void output.write(text),
    ask: (question, opts = {}) => readLine(input, output, question, !!opts.hidden),
    close() {
      input.setRawMode(false)
      input.pause()
    },
  }
  return shared
}

function readLine(input: ReadStream, output: WriteStream, question: string, hidden: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    // Echo off before the question shows: an answer typed (or pasted) the
    // moment it appears must not be echoed by the terminal.
    input.setRawMode(true)
    output.write(question)
    input.resume()
    let answer = ''
    const done = (err: Error | null) => {
      process.off('SIGINT', onSigint)
      input.off('data', onData)
      input.setRawMode(false)
      input.pause()
      output.write('\n')
      if (err) reject(err)
      else resolve(answer)
    }
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done(null)
        if (ch === '\x03' || ch === '\x04') return done(new Cancelled(ch === '\x03'))
        if (ch === '\x7f' || ch === '\b') {
          if (answer.length) {
            answer = answer.slice(0, -1)
            if (!hidden) output.write('\b \b')
          }
          continue
        }
        if (ch === '\x15') {
          // Ctrl-U: clear the line.
          if (!hidden) output.write('\b \b'.repeat(answer.length))
          answer = ''
          continue
        }
        if (ch < ' ') continue
        answer += ch
        if (!hidden) output.write(ch)
      }
    }
    // A SIGINT from elsewhere (kill -INT; the terminal sends none in raw
    // mode) must not end the process with echo still off.
    const onSigint = () => done(new Cancelled(true))
    process.once('SIGINT', onSigint)
    input.on('data', onData)
  })
}
