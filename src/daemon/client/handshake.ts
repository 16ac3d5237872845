// Mutual proof, on every connection, that both ends are this user's.
//
// Why: checking the socket path and then connecting by path can be raced (a
// swap in between puts a stranger on the other end), and git's
// credential-cache relies on SO_PEERCRED-style checks that Node and Bun do
// not expose. The equivalent here: the daemon writes a random 32-byte key to
// `daemon.key` (0600, in its 0700 runtime directory); only our uid (or root)
// can read it. Each side proves it knows the key with an HMAC over both
// sides' fresh nonces, on the connected socket itself, before any request is
// sent or served, so a peer of another uid can neither receive a `put` nor
// answer a `get`, whatever it swapped on the path, and a recorded exchange
// cannot be replayed (the other side's nonce is new each time).
//
//   client → {op:'hello', nonce: Nc}
//   daemon → {hello:'git-credential-pat', nonce: Ns, proof: HMAC(key, "server"|Nc|Ns)}
//   client → {op:'auth', proof: HMAC(key, "client"|Nc|Ns)}, then its request
//
// (nonces and proofs are base64; both labels are 6 bytes and nonces fixed size, so
// the concatenation is unambiguous.)
import { equalBytes, hmacSha256, randomBytes } from '../../runtime/crypto.js'
import { close, fstat, nodeFs, openNoFollow, ownUid, read } from '../../runtime/sys.js'
import { PatError } from '../../errors.js'

export const KEY_BYTES = 32
export const NONCE_BYTES = 32

export type Role = 'server' | 'client'

export function newNonce(): Buffer {
  return randomBytes(NONCE_BYTES)
}

export function proofOf(key: Buffer, role: Role, clientNonce: Buffer, serverNonce: Buffer): Buffer {
  return hmacSha256(key, role, clientNonce, serverNonce)
}

/** Constant-time check of a proof given as base64 (anything malformed is simply false). */
export function verifyProof(key: Buffer, role: Role, clientNonce: Buffer, serverNonce: Buffer, proof: unknown): boolean {
  if (typeof proof !== 'string') return false
  const got = Buffer.from(proof, 'base64')
  const want = proofOf(key, role, clientNonce, serverNonce)
  return equalBytes(got, want)
}

/** A nonce field as sent (base64 of exactly NONCE_BYTES), or null. */
export function nonceFrom(v: unknown): Buffer | null {
  if (typeof v !== 'string') return null
  const b = Buffer.from(v, 'base64')
  return b.length === NONCE_BYTES && b.toString('base64') === v ? b : null
}

/**
 * Write a new key for this daemon: a fresh file made with O_EXCL|O_NOFOLLOW
 * (nothing planted can be written through), 0600, then renamed over
 * `daemon.key`, so a client never reads half a key. Returns the key and the
 * file's inode (the watchdog checks it stays ours).
 */
export function writeKey(path: string): { key: Buffer; ino: number } {
  const { closeSync, constants, fchmodSync, lstatSync, openSync, renameSync, unlinkSync, writeSync } = nodeFs()
  const key = randomBytes(KEY_BYTES)
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}`
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600)
  try {
    fchmodSync(fd, 0o600)
    writeSync(fd, key)
  } catch (e) {
    closeSync(fd)
    unlinkSync(tmp)
    throw e
  }
  closeSync(fd)
  renameSync(tmp, path)
  return { key, ino: lstatSync(path).ino }
}

/**
 * Read the daemon's key, or null when there is none (no daemon yet). The
 * file is opened without following a symbolic link and judged by fstat on
 * the opened descriptor, so whatever was swapped in before the open, what is
 * read is a regular file of ours that nobody else can read; anything else is
 * refused with a DAEMON error naming the fix.
 */
export function readKey(path: string): Buffer | null {
  let fd: number
  try {
    fd = openNoFollow(path)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return null
    if (code === 'ELOOP') throw new PatError('DAEMON', `daemon key ${path} is a symbolic link; refusing to use it: remove it (the daemon makes a new one)`)
    throw e
  }
  try {
    const st = fstat(fd)
    const refuse = (why: string) =>
      new PatError('DAEMON', `daemon key ${path} ${why}; refusing to use the daemon: run git-credential-pat daemon stop, or remove ${path}`)
    if (!st.isFile()) throw refuse('is not a regular file')
    if (ownUid() >= 0 && st.uid !== ownUid()) throw refuse(`is owned by uid ${st.uid}, not you`)
    if ((st.mode & 0o777) !== 0o600) throw refuse(`has mode ${(st.mode & 0o777).toString(8).padStart(3, '0')}, not 600`)
    if (st.size !== KEY_BYTES) throw refuse(`is not a key (${st.size} bytes)`)
    const key = Buffer.alloc(KEY_BYTES)
    if (read(fd, key) !== KEY_BYTES) throw refuse('could not be read whole')
    return key
  } finally {
    close(fd)
  }
}
