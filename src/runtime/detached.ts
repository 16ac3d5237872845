// Starting this program in the background, out of git's way: the cache
// daemon (daemon/client/client.ts) and a token's renewal (forge/auto-rotate.ts).
import { nodeFs } from './sys.js'

/**
 * What a detached process inherits: the user's environment minus what git
 * sets for one repository, so a process started from inside a repository
 * does not read that repository's config.
 */
export function detachedEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(env)) {
    if (/^GIT_(DIR|WORK_TREE|PREFIX|INDEX_FILE|COMMON_DIR|OBJECT_DIRECTORY|CONFIG_PARAMETERS|CONFIG_COUNT|CONFIG_KEY_\d+|CONFIG_VALUE_\d+)$/.test(k)) continue
    out[k] = v
  }
  return out
}

/** This program's own variables that the daemon reads (docs/git-credential-pat.md, "Environment"). */
const DAEMON_OWN = [
  'HOME',
  'KEYCHAIN_SERVICE',
  'KEYCHAIN_TIMEOUT_MS',
  'LOG',
  'TRACE',
  'DAEMON',
  'DAEMON_IDLE',
  'DAEMON_TIMEOUT_MS',
  'CACHE_TIMEOUT',
  'RUNTIME',
  'NO_FFI',
].map(n => `GIT_CREDENTIAL_PAT_${n}`)
/** Where the user's files, config and session bus are, how to run git, and the locale. */
const DAEMON_USER = [
  'HOME',
  'USER',
  'LOGNAME',
  'PATH',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TMPDIR',
  'DBUS_SESSION_BUS_ADDRESS',
  'GIT_CONFIG_GLOBAL',
  'GIT_CONFIG_SYSTEM',
  'GIT_CONFIG_NOSYSTEM',
]

/**
 * The daemon's whole environment: only what it reads. It lives on after the
 * command that started it, so anything else of that command's environment,
 * such as an env: token's variable, would sit in /proc/<pid>/environ for its
 * whole life. env: tokens are therefore never answered by the daemon (they
 * are not cached either: state/stamp.ts), only by the process.
 */
export function daemonEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && (DAEMON_OWN.includes(k) || DAEMON_USER.includes(k) || /^(XDG|LC)_[A-Z_]+$/.test(k))) out[k] = v
  }
  return out
}

/**
 * Create `path` (O_EXCL, 0600) as the mark of one start, or take over a mark
 * older than `staleMs` (its starter died or gave up). False while a fresh
 * one exists (64 parallel gets start one process, not 64), or when it
 * cannot be made at all.
 */
export function claimMarker(path: string, staleMs: number): boolean {
  const { closeSync, openSync, statSync, unlinkSync } = nodeFs()
  try {
    closeSync(openSync(path, 'wx', 0o600))
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || Date.now() - statSync(path).mtimeMs < staleMs) return false
    unlinkSync(path)
    closeSync(openSync(path, 'wx', 0o600))
  }
  return true
}

/**
 * Run `git-credential-pat ARGS…` on this runtime, detached, with stdio
 * closed: git waits for EOF on the helper's stdout, so the child must hold
 * none of our descriptors. `background` also drops it to the lowest CPU
 * priority at once, so its start-up does not compete with the git command
 * that is still running.
 */
export async function spawnDetached(args: string[], env: NodeJS.ProcessEnv, opts: { background?: boolean; lean?: boolean } = {}): Promise<void> {
  const { spawn } = await import('node:child_process') // not on the hot path: only when starting one
  const { launcherPath, runtimeArgs, standalone } = await import('./install.js')
  // A standalone executable is the runtime and the program in one file.
  const argv = standalone() ? args : [...runtimeArgs(opts.lean), launcherPath(), ...args]
  const child = spawn(process.execPath, argv, {
    detached: true,
    stdio: 'ignore',
    cwd: '/',
    env: detachedEnv(env),
  })
  child.on('error', () => {})
  if (opts.background) {
    try {
      if (child.pid) (await import('node:os')).setPriority(child.pid, 19)
    } catch {
      // it already exited, or renicing is not allowed: it only runs slower or faster
    }
  }
  child.unref()
}
