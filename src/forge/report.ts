// What asking a forge about a token yields: a verdict and what the forge
// said about the token (for check and erase).

export type Verdict = 'valid' | 'revoked' | 'expired' | 'invalid' | 'unknown' | 'unreachable'
/** Verdicts that mean the token will not work again. */
export const DEAD: readonly Verdict[] = ['revoked', 'expired', 'invalid']

export interface ForgeReport {
  verdict: Verdict
  /** ISO expiry; null: the forge says it never expires; undefined: it did not say. */
  expires?: string | null
  scopes?: string[]
  active?: boolean
  revoked?: boolean
  /** The account the forge sees behind the token. */
  login?: string
  /** What was asked (never with the secret). */
  apiUrl?: string
  /** One line for people. */
  message: string
}
