// The daemon's key as the client process read it (handshake.ts): read once
// per process, again only when a daemon's proof does not match (it restarted).
import { readKey } from './handshake.js'

const keys = new Map<string, Buffer>()

/** Forget the keys read so far (tests that change the key file under one process). */
export function forgetKeyCache(): void {
  keys.clear()
}

export function cachedKey(path: string, fresh = false): Buffer | null {
  if (!fresh) {
    const k = keys.get(path)
    if (k) return k
  }
  const k = readKey(path) // throws DAEMON for a key that is not ours alone
  if (k) keys.set(path, k)
  else keys.delete(path)
  return k
}
