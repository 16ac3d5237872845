// The one error path's last step: any error becomes one stderr line and the
// exit code its kind deserves (errors.ts maps the code).
import { outcome, PatError } from '../errors.js'
import { say, writeErr } from './stderr.js'
import { printable } from '../core/terminal-text.js'

export interface ReportOptions {
  /** Add the code's hint (the CLI: a person typed the command). A trouble's fix is always said. */
  hint?: boolean
}

/** Per process (main.ts sets it from GIT_CREDENTIAL_PAT_TRACE): an internal error also prints its stack. */
let stacks = false

export function traceStacks(on: boolean): void {
  stacks = on
}

/** Print one line for any error and return the exit code it deserves. */
export function report(err: unknown, o: ReportOptions = {}): number {
  if (err instanceof PatError) {
    const { exitCode, hint } = outcome(err.code, err.trouble)
    say(oneLine(err.message) + ((o.hint || err.trouble) && hint ? ` (${hint})` : ''))
    return exitCode
  }
  const msg = err instanceof Error ? err.message : String(err)
  say(`internal error: ${oneLine(msg)}`)
  if (stacks && err instanceof Error && err.stack) {
    writeErr(printable(err.stack, { lines: true }) + '\n')
  }
  return 1
}

/** A message may quote outside text: one line, its control characters escaped (say() escapes again, to no effect). */
const oneLine = (s: string) => printable(s.replace(/\s*[\r\n]+\s*/g, ' ').trim())
