// One error type for everything the user can see. `code` says what kind of
// failure it is; `report()` turns it into the single stderr line and the exit
// code (SPEC §5: 1 = the user can fix it, 2 = usage error).
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
  | 'NETWORK' // a forge API could not be reached
  | 'DAEMON' // the daemon or its socket directory is unusable
  | 'INPUT' // bad input from the user (token, date …)

export class PatError extends Error {
  readonly code: ErrorCode
  constructor(code: ErrorCode, message: string) {
    super(message)
    this.code = code
    this.name = 'PatError'
  }
  get exitCode(): number {
    return this.code === 'USAGE' ? 2 : 1
  }
}

/** Print one line for any error and return the exit code it deserves. */
export function report(err: unknown): number {
  if (err instanceof PatError) {
    say(oneLine(err.message))
    return err.exitCode
  }
  const msg = err instanceof Error ? err.message : String(err)
  say(`internal error: ${oneLine(msg)}`)
  if (process.env.GIT_CREDENTIAL_PAT_TRACE === '1' && err instanceof Error && err.stack) {
    writeErr(err.stack + '\n')
  }
  return 1
}

const oneLine = (s: string) => s.replace(/\s*[\r\n]+\s*/g, ' ').trim()
