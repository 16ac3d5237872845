// Where the daemon's socket lives, and the checks both sides make before
// trusting it. Like git's credential-cache daemon (credential-cache--daemon.c
// check_socket_directory), the directory must be ours and closed to others:
// anyone who can reach the socket can read every cached secret.
import { lstat, nodeFs, ownUid, type StatLike } from '../runtime/sys.js'
import { dirname, join, resolve } from '../core/path.js'
import { statePaths } from '../state/paths.js'
import { PatError } from '../errors.js'

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

export function runtimePaths(env: NodeJS.ProcessEnv = process.env): RuntimePaths {
  const dir = statePaths(env).runtime
  return { dir, socket: join(dir, 'daemon.sock'), key: join(dir, 'daemon.key'), lock: join(dir, 'daemon.lock'), starting: join(dir, 'starting') }
}

const mode = (st: StatLike) => (st.mode & 0o7777).toString(8).padStart(3, '0')

/**
 * Create the directory (0700) if asked and absent, then check it and every
 * directory above it; throws DAEMON errors (ENOENT when absent and not asked
 * to create it).
 */
export function checkRuntimeDir(dir: string, create: boolean): void {
  let st: StatLike
  try {
    st = lstat(dir)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || !create) throw e
    // Missing parents too are made 0700: they are ours alone from the start.
    nodeFs().mkdirSync(dir, { recursive: true, mode: 0o700 })
    st = lstat(dir)
  }
  if (!st.isDirectory()) {
    throw new PatError(
      'DAEMON',
      `${dir} is not a directory${st.isSymbolicLink() ? ' (a symbolic link)' : ''}; refusing to use it for the daemon socket: remove it`,
    )
  }
  if (ownUid() >= 0 && st.uid !== ownUid()) {
    throw new PatError(
      'DAEMON',
      `${dir} is owned by uid ${st.uid}, not you (uid ${ownUid()}); refusing to use it for the daemon socket: remove it, or set XDG_RUNTIME_DIR to a directory of yours`,
    )
  }
  if ((st.mode & 0o077) !== 0) {
    // git: "The permissions on your socket directory are too loose".
    throw new PatError('DAEMON', `${dir} is open to other users (mode ${mode(st)}); refusing to use it for the daemon socket: run chmod 700 ${dir}`)
  }
  checkAncestors(dir)
}

/**
 * Every directory above the socket directory, up to /, on the path as
 * written and on the path it resolves to (a symbolic link on the way is
 * judged by where it leads; the link itself can only be replaced by whoever
 * can write the directory holding it, which is on the first path). Each must
 * be owned by root or by us and writable by nobody else: whoever can write
 * one can rename our directory away and put their own in its place, and so
 * their socket at our path. Only the socket directory is checked by git's
 * credential-cache; the attack of issue 10 came through its parent.
 *
 * One exception: a root-owned sticky directory (/tmp, mode 1777). There
 * nobody but an entry's owner (or root) can rename or remove the entry, so
 * it is safe provided the entry on our path right below it is ours (or
 * root's). Test sandboxes live under /tmp, and so may a user's
 * XDG_RUNTIME_DIR or GIT_CREDENTIAL_PAT_HOME.
 */
export function checkAncestors(dir: string): void {
  const me = ownUid()
  if (me < 0) return // no uids to compare (not reached: no daemon on Windows)
  const lexical = resolve(dir)
  // The resolved path differs only through a link on the way (the directory itself was lstat'ed: not one).
  if (!walkAncestors(lexical, me)) return
  let real: string
  try {
    real = nodeFs().realpathSync(lexical)
  } catch {
    return // it went away: the lexical path was checked
  }
  if (real !== lexical) walkAncestors(real, me)
}

/** Check every directory above `p`; true when one of them is a symbolic link. */
function walkAncestors(p: string, me: number): boolean {
  let links = false
  let below = p
  for (let d = dirname(p); ; below = d, d = dirname(d)) {
    const st = lstat(d)
    // A symbolic link: its target is on the resolved path, its directory on this one.
    if (st.isSymbolicLink()) links = true
    else checkAncestor(d, st, below, me)
    if (d === dirname(d)) break
  }
  return links
}

function checkAncestor(d: string, st: StatLike, below: string, me: number): void {
  const fix = 'set XDG_RUNTIME_DIR (or GIT_CREDENTIAL_PAT_HOME) to a directory only you can write'
  if (st.uid !== 0 && st.uid !== me) {
    throw new PatError('DAEMON', `${d} is owned by uid ${st.uid}, not you or root; refusing to keep the daemon socket below it: ${fix}`)
  }
  if ((st.mode & 0o022) === 0) return
  const sticky = (st.mode & 0o1000) !== 0 && st.uid === 0
  if (sticky) {
    const owner = lstat(below).uid
    if (owner === me || owner === 0) return
    throw new PatError('DAEMON', `${below} is owned by uid ${owner}, not you; refusing to keep the daemon socket below it: ${fix}`)
  }
  throw new PatError(
    'DAEMON',
    `${d} is writable by other users (mode ${mode(st)}); refusing to keep the daemon socket below it: ${fix}, or run chmod go-w ${d}`,
  )
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
