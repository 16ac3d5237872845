// The few crypto primitives the daemon handshake, the lock and the store id need, without
// loading node:crypto on git's path: under Bun that import alone costs
// a noticeable share of every get. Random bytes come from Web
// Crypto, which both runtimes have built in; the HMAC from Bun's native
// hasher, or node:crypto (loaded only then) under Node.
import { runtime } from './choose.js'

export function randomBytes(n: number): Buffer {
  return Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(n)))
}

export function hmacSha256(key: Uint8Array, ...parts: Array<Uint8Array | string>): Buffer {
  if (runtime.bun) {
    const h = new runtime.bun.CryptoHasher('sha256', key)
    for (const p of parts) h.update(p)
    return Buffer.from(h.digest())
  }
  const { createHmac } = process.getBuiltinModule('node:crypto') as typeof import('node:crypto')
  const h = createHmac('sha256', key)
  for (const p of parts) h.update(p)
  return h.digest()
}

/** Equal bytes, in time that depends only on the length (proofs are fixed-size). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i]
  return diff === 0
}
