// One error type for everything the user can see, and one error path:
// `code` says what kind of failure it is; `outcome()` maps it to the exit
// code (SPEC §5: 1 = the user can fix it, 2 = usage error) and a hint, as
// npm's lib/utils/error-message.js does; `report()` turns any error into
// the single stderr line and that exit code. The git side, the daemon and
// the CLI all end through report().
import { say, writeErr } from './log/stderr.js'

export type ErrorCode =
  | 'USAGE' // wrong arguments or flags
  | 'PROTOCOL' // malformed credential input from git
  | 'SCOPE' // a scope that cannot be parsed or is unsafe
  | 'NOT_FOUND' // no token with that name
  | 'EXISTS' // a token with that name already exists
  | 'METADATA' // the metadata file is unreadable or corrupt
  | 'LOCKED' // the metadata lock could not be taken
  | 'KEYCHAIN' // the keychain failed, timed out or is locked
  | 'SOURCE' // an env:/file:/exec: source failed
  | 'GIT' // running git failed
  | 'DAEMON' // the daemon or its socket directory is unusable
  | 'INPUT' // bad input from the user (token, date …)

export interface Outcome {
  exitCode: number
  /** Said after the message by the CLI (not to git, whose user did not type the command). */
  hint?: string
}

/** What each kind of failure ends with. */
export function outcome(code: ErrorCode): Outcome {
  switch (code) {
    case 'USAGE':
      return { exitCode: 2, hint: 'see git-credential-pat --help' }
    default:
      return { exitCode: 1 }
  }
}

export class PatError extends Error {
  readonly code: ErrorCode
  constructor(code: ErrorCode, message: string) {
    super(message)
    this.code = code
    this.name = 'PatError'
  }
  get exitCode(): number {
    return outcome(this.code).exitCode
  }
}

export interface ReportOptions {
  /** Add the code's hint (the CLI: a person typed the command). */
  hint?: boolean
}

/** Print one line for any error and return the exit code it deserves. */
export function report(err: unknown, o: ReportOptions = {}): number {
  if (err instanceof PatError) {
    const { exitCode, hint } = outcome(err.code)
    say(oneLine(err.message) + (o.hint && hint ? ` (${hint})` : ''))
    return exitCode
  }
  const msg = err instanceof Error ? err.message : String(err)
  say(`internal error: ${oneLine(msg)}`)
  if (process.env.GIT_CREDENTIAL_PAT_TRACE === '1' && err instanceof Error && err.stack) {
    writeErr(err.stack + '\n')
  }
  return 1
}

const oneLine = (s: string) => s.replace(/\s*[\r\n]+\s*/g, ' ').trim()
