// The one rule for every path the helper reads state or secrets from, writes
// to, or runs (docs/git-credential-pat.md, "Files and trust"): the path and
// every directory above it are owned by us or root and writable by nobody
// else. Whoever can write a directory on the way can put their own file
// there: metadata whose exec: source then runs as us, a log we append to, a
// socket that collects secrets. As OpenSSH's StrictModes (safe_path in
// misc.c) and git's credential-cache socket check, but all the way up.
//
// One exception: a root-owned sticky directory (/tmp, mode 1777). There
// nobody but an entry's owner (or root) can rename or remove the entry, so
// it is safe provided the entry on our path right below it is ours (or
// root's).
import { lstat, nodeFs, ownUid, statIfAny, type StatLike } from './sys.js'
import { dirname, resolve } from '../core/path.js'
import { PatError, type ErrorCode } from '../errors.js'

/** What a refusal says: its error code, what the path is for, and how to fix it (besides chmod). */
export interface PathUse {
  code: ErrorCode
  /** Completes "refusing to …": e.g. "keep state in it". */
  purpose: string
  /** Another way out, e.g. "set GIT_CREDENTIAL_PAT_HOME to a directory of yours". */
  fix: string
}

export const mode = (st: StatLike): string => (st.mode & 0o7777).toString(8).padStart(3, '0')

/**
 * Check a directory and everything above it. `private` also refuses any
 * access by group or others (the socket directory); `create` makes a missing
 * directory (and missing parents) 0700 after checking what exists above it.
 * Returns false when it is absent and not created. Throws PatError(use.code).
 */
export function trustDir(dir: string, use: PathUse, opts: { private?: boolean; create?: boolean } = {}): boolean {
  const me = ownUid()
  if (me < 0) return nodeFs().existsSync(dir) || (opts.create === true && mkdir(dir)) // no uids to compare (Windows)
  let st = statIfAny(dir)
  if (!st) {
    if (!opts.create) return false
    // Check the nearest existing directory above first: nothing is made below one we do not trust.
    let top = dirname(resolve(dir))
    while (!statIfAny(top) && top !== dirname(top)) top = dirname(top)
    trustDir(top, use)
    mkdir(dir)
    st = statIfAny(dir)
    if (!st) return false
  }
  checkOwn(dir, st, use, me, opts.private === true)
  if (!st.isDirectory()) throw new PatError(use.code, `${dir} is not a directory; refusing to ${use.purpose}: remove it, or ${use.fix}`)
  trustAncestors(dir, use)
  return true
}

/**
 * Check a file that exists (false when it does not) and the directories
 * above it. `private` also refuses any access by group or others (a secret).
 */
export function trustFile(file: string, use: PathUse, opts: { private?: boolean } = {}): boolean {
  const me = ownUid()
  const st = statIfAny(file)
  if (!st) return false
  if (me < 0) return true
  checkOwn(file, st, use, me, opts.private === true)
  trustAncestors(file, use)
  return true
}

function mkdir(dir: string): true {
  nodeFs().mkdirSync(dir, { recursive: true, mode: 0o700 })
  return true
}

function checkOwn(p: string, st: StatLike, use: PathUse, me: number, closed: boolean): void {
  if (st.uid !== me && st.uid !== 0) {
    throw new PatError(use.code, `${p} is owned by uid ${st.uid}, not you (uid ${me}); refusing to ${use.purpose}: ${use.fix}`)
  }
  const open = st.mode & (closed ? 0o077 : 0o022)
  if (open !== 0) {
    const how = closed ? 'open to other users' : 'writable by other users'
    const chmod = closed ? (st.isDirectory() ? '700' : '600') : 'go-w'
    throw new PatError(use.code, `${p} is ${how} (mode ${mode(st)}); refusing to ${use.purpose}: run chmod ${chmod} ${p}, or ${use.fix}`)
  }
}

/**
 * Every directory above `p`, up to /, on the path as written and on the
 * path it resolves to (a symbolic link on the way is judged by where it
 * leads; the link itself can only be replaced by whoever can write the
 * directory holding it, which is on the first path).
 */
export function trustAncestors(p: string, use: PathUse): void {
  const me = ownUid()
  if (me < 0) return
  const lexical = resolve(p)
  if (!walk(lexical, me, use)) return
  let real: string
  try {
    real = nodeFs().realpathSync(lexical)
  } catch {
    return // it went away: the lexical path was checked
  }
  if (real !== lexical) walk(real, me, use)
}

/** Check every directory above `p`; true when one of them is a symbolic link. */
function walk(p: string, me: number, use: PathUse): boolean {
  let links = false
  let below = p
  for (let d = dirname(p); ; below = d, d = dirname(d)) {
    const st = lstat(d)
    if (st.isSymbolicLink()) links = true
    else checkAncestor(d, st, below, me, use)
    if (d === dirname(d)) break
  }
  return links
}

/**
 * In a user namespace (a rootless container, bwrap) a file whose owner has
 * no uid inside it shows as the overflow uid (user_namespaces(7)): the
 * system's own directories, root's outside, look like that. Only asked
 * when an owner is neither root nor us; read once per process.
 */
let unmapped: number | null | undefined
function unmappedUid(): number | null {
  if (unmapped !== undefined) return unmapped
  try {
    const fs = nodeFs()
    const map = fs.readFileSync('/proc/self/uid_map', 'utf8').trim().split(/\s+/)
    const identity = map.length === 3 && map[0] === '0' && map[1] === '0' && map[2] === '4294967295'
    unmapped = identity ? null : Number(fs.readFileSync('/proc/sys/kernel/overflowuid', 'utf8').trim())
  } catch {
    unmapped = null
  }
  return unmapped
}

/** root, or (in a user namespace) an owner from outside it, which is root's place. */
const rootLike = (uid: number): boolean => uid === 0 || uid === unmappedUid()

function checkAncestor(d: string, st: StatLike, below: string, me: number, use: PathUse): void {
  if (st.uid !== me && !rootLike(st.uid)) {
    throw new PatError(use.code, `${d} is owned by uid ${st.uid}, not you or root; refusing to ${use.purpose} below it: ${use.fix}`)
  }
  if ((st.mode & 0o022) === 0) return
  if ((st.mode & 0o1000) !== 0 && rootLike(st.uid)) {
    const owner = lstat(below).uid
    if (owner === me || rootLike(owner)) return
    throw new PatError(use.code, `${below} is owned by uid ${owner}, not you; refusing to ${use.purpose} below it: ${use.fix}`)
  }
  throw new PatError(use.code, `${d} is writable by other users (mode ${mode(st)}); refusing to ${use.purpose} below it: ${use.fix}, or run chmod go-w ${d}`)
}
