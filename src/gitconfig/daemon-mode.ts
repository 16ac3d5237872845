// Whether to use the cache daemon: GIT_CREDENTIAL_PAT_DAEMON, else git config
// `credential.pat.daemon` (docs/git-credential-pat.md, "The daemon").

export type DaemonMode = 'auto' | 'always' | 'never'

/** A `credential.pat.daemon` value: always, never (or false, no, off, 0), else auto. */
export function daemonModeOf(value: string | undefined): DaemonMode {
  const s = (value ?? '').trim().toLowerCase()
  if (s === 'always') return 'always'
  if (['never', 'false', 'no', 'off', '0'].includes(s)) return 'never'
  return 'auto'
}

/**
 * Whether a process asks the daemon at all: unless GIT_CREDENTIAL_PAT_DAEMON
 * says never (git config is read only to decide whether to start one), and
 * never on Windows (no Unix sockets to keep it private).
 */
export function daemonAsked(env: NodeJS.ProcessEnv): boolean {
  const v = env.GIT_CREDENTIAL_PAT_DAEMON
  return process.platform !== 'win32' && (v === undefined || daemonModeOf(v) !== 'never')
}
