// Where the daemon's socket lives, and the checks both sides make before
// trusting it. Like git's credential-cache daemon (credential-cache--daemon.c
// check_socket_directory), the directory must be ours and closed to others:
// anyone who can reach the socket can read every cached secret.
import { lstatSync, mkdirSync, type Stats } from 'node:fs'
import { join } from 'node:path'
import { statePaths } from '../paths.js'
import { PatError } from '../errors.js'

export interface RuntimePaths {
  dir: string
  socket: string
  /** Held (O_EXCL) by a daemon while it checks for a rival and binds. */
  lock: string
  /** Made by a client that spawned a daemon, so 64 clients spawn one. */
  starting: string
}

export function runtimePaths(env: NodeJS.ProcessEnv = process.env): RuntimePaths {
  const dir = statePaths(env).runtime
  return { dir, socket: join(dir, 'daemon.sock'), lock: join(dir, 'daemon.lock'), starting: join(dir, 'starting') }
}

const uid = () => (typeof process.getuid === 'function' ? process.getuid() : -1)
const mode = (st: Stats) => (st.mode & 0o777).toString(8).padStart(3, '0')

/** Create the directory (0700) if asked and absent, then check it; throws DAEMON errors. */
export function checkRuntimeDir(dir: string, create: boolean): void {
  let st: Stats
  try {
    st = lstatSync(dir)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || !create) throw e
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    st = lstatSync(dir)
  }
  if (!st.isDirectory()) {
    throw new PatError('DAEMON', `${dir} is not a directory${st.isSymbolicLink() ? ' (a symbolic link)' : ''}; refusing to use it for the daemon socket: remove it`)
  }
  if (uid() >= 0 && st.uid !== uid()) {
    throw new PatError('DAEMON', `${dir} is owned by uid ${st.uid}, not you (uid ${uid()}); refusing to use it for the daemon socket: remove it, or set XDG_RUNTIME_DIR to a directory of yours`)
  }
  if ((st.mode & 0o077) !== 0) {
    // git: "The permissions on your socket directory are too loose".
    throw new PatError('DAEMON', `${dir} is open to other users (mode ${mode(st)}); refusing to use it for the daemon socket: run chmod 700 ${dir}`)
  }
}

/** Whether the socket exists (false) and, if it does, that it is ours and closed to others; throws DAEMON errors. */
export function checkSocket(path: string): boolean {
  let st: Stats
  try {
    st = lstatSync(path)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw e
  }
  if (!st.isSocket()) throw new PatError('DAEMON', `${path} is not a socket; refusing to use it: remove it`)
  if (uid() >= 0 && st.uid !== uid()) {
    throw new PatError('DAEMON', `daemon socket ${path} is owned by uid ${st.uid}, not you; refusing to use it: remove it`)
  }
  if ((st.mode & 0o077) !== 0) {
    throw new PatError('DAEMON', `daemon socket ${path} is open to other users (mode ${mode(st)}); refusing to use it: run git-credential-pat daemon stop, or remove it`)
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
    throw new PatError('DAEMON', `the daemon socket path ${path} is too long for a Unix socket; set XDG_RUNTIME_DIR (or GIT_CREDENTIAL_PAT_HOME) to a shorter directory`)
  }
}
