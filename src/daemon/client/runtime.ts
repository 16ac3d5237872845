// Where the daemon's socket lives, and the checks both sides make before
// trusting it. Like git's credential-cache daemon (credential-cache--daemon.c
// check_socket_directory), the directory must be ours and closed to others:
// anyone who can reach the socket can read every cached secret.
import { lstat, ownUid, type StatLike } from '../../runtime/sys.js'
import { mode, trustDir, type PathUse } from '../../runtime/trusted-path.js'
import { join } from '../../core/path.js'
import { statePaths } from '../../state/paths.js'
import { PatError } from '../../errors.js'

export interface RuntimePaths {
  dir: string
  socket: string
  /** The daemon's random key, proved on every connection (handshake.ts). */
  key: string
  /** Held (O_EXCL) by a daemon while it checks for a rival and binds. */
  lock: string
  /** Made by a client that spawned a daemon, so 64 clients spawn one. */
  starting: string
}

export function runtimePaths(env: NodeJS.ProcessEnv): RuntimePaths {
  const dir = statePaths(env).runtime
  return { dir, socket: join(dir, 'daemon.sock'), key: join(dir, 'daemon.key'), lock: join(dir, 'daemon.lock'), starting: join(dir, 'starting') }
}

const SOCKET_DIR: PathUse = {
  code: 'DAEMON',
  purpose: 'keep the daemon socket',
  fix: 'set XDG_RUNTIME_DIR (or GIT_CREDENTIAL_PAT_HOME) to a directory only you can write',
}

/**
 * Create the directory (0700) if asked and absent, then check it and every
 * directory above it (runtime/trusted-path.ts); throws DAEMON errors (ENOENT
 * when absent and not asked to create it). Unlike a state directory it may
 * not be a symbolic link, and it is closed to group and others: anyone who
 * can reach the socket can read every cached secret.
 */
export function checkRuntimeDir(dir: string, create: boolean): void {
  const st = lstatIfAny(dir)
  if (st && !st.isDirectory()) {
    throw new PatError(
      'DAEMON',
      `${dir} is not a directory${st.isSymbolicLink() ? ' (a symbolic link)' : ''}; refusing to use it for the daemon socket: remove it`,
    )
  }
  if (!trustDir(dir, SOCKET_DIR, { private: true, create })) {
    throw Object.assign(new Error(`${dir} does not exist`), { code: 'ENOENT' })
  }
}

function lstatIfAny(p: string): StatLike | undefined {
  try {
    return lstat(p)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw e
  }
}

/** Whether the socket exists (false) and, if it does, that it is ours and closed to others; throws DAEMON errors. */
export function checkSocket(path: string): boolean {
  let st: StatLike
  try {
    st = lstat(path)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw e
  }
  if (!st.isSocket()) throw new PatError('DAEMON', `${path} is not a socket; refusing to use it: remove it`)
  if (ownUid() >= 0 && st.uid !== ownUid()) {
    throw new PatError('DAEMON', `daemon socket ${path} is owned by uid ${st.uid}, not you; refusing to use it: remove it`)
  }
  if ((st.mode & 0o077) !== 0) {
    throw new PatError(
      'DAEMON',
      `daemon socket ${path} is open to other users (mode ${mode(st)}); refusing to use it: run git-credential-pat daemon stop, or remove it`,
    )
  }
  return true
}

/** Both checks, as a client makes them before connecting. Returns false when there is no socket. */
export function checkClientPaths(p: RuntimePaths): boolean {
  try {
    checkRuntimeDir(p.dir, false)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw e
  }
  return checkSocket(p.socket)
}

/** Linux limits sun_path to 108 bytes; say so instead of failing obscurely. */
export function checkSocketPathLength(path: string): void {
  if (Buffer.byteLength(path) > 100) {
    throw new PatError(
      'DAEMON',
      `the daemon socket path ${path} is too long for a Unix socket; set XDG_RUNTIME_DIR (or GIT_CREDENTIAL_PAT_HOME) to a shorter directory`,
    )
  }
}
