// Starting this program in the background, out of git's way: the cache
// daemon (daemon/client/client.ts) and a token's renewal (forge/auto-rotate.ts).
import { nodeFs } from './sys.js'

/**
 * What a detached process inherits: the user's environment minus what git
 * sets for one repository, so a process started from inside a repository
 * does not read that repository's config.
 */
export function daemonEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(env)) {
    if (/^GIT_(DIR|WORK_TREE|PREFIX|INDEX_FILE|COMMON_DIR|OBJECT_DIRECTORY|CONFIG_PARAMETERS|CONFIG_COUNT|CONFIG_KEY_\d+|CONFIG_VALUE_\d+)$/.test(k)) continue
    out[k] = v
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
    env: daemonEnv(env),
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
