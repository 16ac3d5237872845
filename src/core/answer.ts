// Which token git gets, decided in one place (docs/git-credential-pat.md,
// "The git side" and "The daemon"): the process (git/get.ts,
// git/store.ts) and the daemon's whole answer (daemon/helper-answer.ts)
// both ask decideGet (answer-get.ts) and decideStore (answer-store.ts),
// whose shared inputs are here. Pure: the request, the host's records,
// the clock, the settings and a secret lookup go in; the whole outcome comes
// out, with what it still needs when something was not at hand. The caller
// gets what is needed and asks again: a decision only grows, so the notes
// of an earlier call are the start of the next call's.
import type { Credential } from './protocol.js'
import type { TokenRecord } from './model.js'
import type { WarnConfig, WarnState } from './warn.js'

/** A secret as the caller found it: the value, why it could not be read, or undefined while not at hand. */
export type Looked = { secret: string } | { error: string } | undefined

export interface SecretLookup {
  /** The token's secret. */
  secret(t: TokenRecord): Looked
  /** Its OAuth refresh token (only asked for tokens that have one): null for none, undefined while not at hand. */
  refresh(t: TokenRecord): string | null | undefined
}

/** A "this session only" token the daemon holds for the request. */
export interface SessionToken {
  scope: string
  username: string
  secret: string
  expiresAt?: Date
}

/** What the expiry warning depends on: git config and when each token was last warned about. */
export type WarnInputs = { autoRotate: true } | { autoRotate: false; cfg: WarnConfig; state: WarnState }

export interface DecideInput {
  cred: Credential
  /** The records that may concern the request's host (more is fine: the rest match nothing). */
  tokens: readonly TokenRecord[]
  now: Date
  secrets: SecretLookup
  /**
   * undefined while not asked; null when none is held. Asked for by get
   * when no token can be sent, and by store about a credential with a
   * username and password.
   */
  session?: SessionToken | null
}

/** Whether the helper deals with this protocol at all (tokens are for http and https). */
export const servesProtocol = (c: Pick<Credential, 'protocol'>): boolean => c.protocol === undefined || ['http', 'https'].includes(c.protocol.toLowerCase())

/** The notes so far, each said once: a frozen keyring fails every token alike. */
export class Notes {
  readonly lines: string[] = []
  add(line: string): void {
    if (!this.lines.includes(line)) this.lines.push(line)
  }
}
