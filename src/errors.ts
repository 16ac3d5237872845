// One error type for everything the user can see, and one error path:
// `code` says what kind of failure it is; `outcome()` maps it to the exit
// code (1 = the user can fix it, 2 = usage error: docs/git-credential-pat.md, "Commands") and a hint, as
// npm's lib/utils/error-message.js does; `report()` turns any error into
// the single stderr line and that exit code. The git side, the daemon and
// the CLI all end through report() (log/report.ts). It imports nothing, so
// every layer may use it.

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
  | 'UNSAFE_PATH' // a state, log or secret path that another user could change
  | 'INPUT' // bad input from the user (token, date …)

/**
 * What went wrong with the keychain, when it says how to fix it: no Secret
 * Service on the session bus (or no bus), the collection locked (unlocking
 * needs a prompt nobody can answer), the keyring daemon not answering, or
 * another refusal.
 */
export type Trouble = 'keychain-absent' | 'keychain-locked' | 'keychain-frozen' | 'keychain-refused'

export interface Outcome {
  exitCode: number
  /** Said after the message: a usage hint by the CLI only (git's user did not type the command), a trouble's fix everywhere. */
  hint?: string
}

const ELSEWHERE = 'or keep tokens elsewhere: --source env:VAR, file:PATH or exec:COMMAND'

/** How to fix each trouble, said as `doctor` says it (cli/doctor/keychain.ts). */
export function troubleHint(trouble: Trouble, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return `unlock the login keychain (Keychain Access, or: security unlock-keychain), ${ELSEWHERE}`
  if (platform === 'win32') return `check that Windows Credential Manager is available to your account, ${ELSEWHERE}`
  switch (trouble) {
    case 'keychain-absent':
      // gnome-keyring-daemon(1): --unlock reads the password on stdin; the keyring needs a D-Bus session.
      return `no Secret Service answers (no keyring, or no D-Bus session): keep tokens elsewhere with --source env:VAR, file:PATH or exec:COMMAND, or start a keyring in a D-Bus session (dbus-run-session -- sh, then: eval $(echo -n PASSWORD | gnome-keyring-daemon --unlock --components=secrets))`
    case 'keychain-locked':
      return `unlock the keyring: log in to the desktop session, or: echo -n PASSWORD | gnome-keyring-daemon --replace --unlock --components=secrets; ${ELSEWHERE}`
    case 'keychain-frozen':
      return `is its daemon frozen or waiting for an unlock prompt? restart it (gnome-keyring-daemon --replace), ${ELSEWHERE}`
    case 'keychain-refused':
      return `check that your Secret Service (GNOME Keyring, KWallet, KeePassXC) works: git-credential-pat doctor; ${ELSEWHERE}`
  }
}

/** What each kind of failure ends with. */
export function outcome(code: ErrorCode, trouble?: Trouble): Outcome {
  if (trouble) return { exitCode: 1, hint: troubleHint(trouble) }
  switch (code) {
    case 'USAGE':
      return { exitCode: 2, hint: 'see git-credential-pat --help' }
    default:
      return { exitCode: 1 }
  }
}

export class PatError extends Error {
  readonly code: ErrorCode
  /** What to fix, when the failure says (the keychain's kinds of trouble). */
  readonly trouble?: Trouble
  constructor(code: ErrorCode, message: string, trouble?: Trouble) {
    super(message)
    this.code = code
    this.name = 'PatError'
    if (trouble) this.trouble = trouble
  }
  get exitCode(): number {
    return outcome(this.code).exitCode
  }
}
