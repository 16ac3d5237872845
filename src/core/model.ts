// The token model (docs/git-credential-pat.md, "Storage"): what the metadata file holds for each token.
// Types (and the one constant store needs), so the pure modules of core/ can name them; state/tokens.ts
// reads and writes them and re-exports these for everyone else.

/** store does not write a last use again within this long (core/answer-store.ts). */
export const LAST_USED_FRESH_MS = 60_000

export type TokenState = 'active' | 'disabled' | 'rejected'
export type Access = 'read' | 'read-write'

export interface TokenRecord {
  name: string
  /** Canonical scope text (see scope.ts formatScope). */
  scope: string
  username: string
  provider: string
  /** ISO timestamp (UTC) when the token stops working, or null if unknown. */
  expires: string | null
  access: Access
  description?: string
  created: string
  /** Written by store at most once per LAST_USED_FRESH_MS. */
  lastUsed?: string
  rotated?: string
  state: TokenState
  /** Why and when a server refused it (erase, after a 401). */
  rejected?: { at: string; url: string }
  /** `keychain`, `env:VAR`, `file:PATH` or `exec:COMMAND`. */
  source: string
  /**
   * Who made it: `add` (management CLI), `store` (git after a success) or
   * `prompt` (typed at our prompt, saved once the server accepted it; kept
   * like `add` tokens: an erase marks it rejected, never deletes it).
   */
  origin: 'add' | 'store' | 'prompt'
  /** `bearer` tokens are answered as authtype=Bearer when git can take it. */
  auth?: 'basic' | 'bearer'
  /** An authtype git sent on store along with `credential=` (kept like a password). */
  authtype?: string
  /** The secret is the empty string (which the keychain cannot hold). */
  emptySecret?: boolean
  /**
   * New with every write of the secret (random, so a replaced record never
   * repeats an old one): the daemon's cached copy is keyed by it (stamp.ts).
   */
  secretRev?: string
  /**
   * A keychain token recorded without its secret (import on another
   * machine): never sent; git's prompt offers to renew it, and the first
   * secret written clears the mark (sources/index.ts).
   */
  awaitingSecret?: boolean
  /**
   * `add --source file:PATH --token-stdin` made PATH (a file that existed is
   * never marked): `install.sh --uninstall --purge` offers to delete it.
   */
  fileWritten?: boolean
  /** A refresh token is kept in the keychain beside the secret. */
  hasRefreshToken?: boolean
  /** What the forge said the last time it was asked (check). */
  checked?: { at: string; active?: boolean; scopes?: string[]; login?: string; note?: string; result?: string; apiUrl?: string }
  /** The last 401 after which the forge still vouched for the token: it was about that repository (erase). */
  denied?: { at: string; url: string }
  /** The last renewal through the forge's API (rotate --api, credential.pat.autoRotate; forge/rotate.ts). */
  rotation?: RotationMark
}

/**
 * `started` while the request is out (a stale one reads as `unknown`);
 * `unknown`: the request was sent and no answer came, so the old secret may
 * be revoked (never retried with it: `check` settles it); `lost`: `check`
 * found the old secret refused afterwards; `refused`/`failed`: nothing
 * changed at the forge; `rotated`: done.
 */
export interface RotationMark {
  at: string
  result: 'started' | 'unknown' | 'lost' | 'refused' | 'failed' | 'rotated'
  /** The token's expiry when it was tried: autoRotate tries once per expiry. */
  expires?: string | null
  auto?: boolean
  note?: string
}

export interface Metadata {
  version: number
  /** The store id (schema 2): this file's keychain items are `<id>/<name>`. */
  id?: string
  tokens: TokenRecord[]
}
