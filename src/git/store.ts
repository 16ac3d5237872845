// `store`: git reports a credential that worked (docs/git-credential-pat.md, "The git side"). The decision is
// core/answer-store.ts's; this is the I/O around it: settle a typed answer,
// ask for a session token, read secrets, and write what it decided (the
// last use, or a new token with its secret) under the metadata lock.
import type { Credential } from '../core/protocol.js'
import { targetOf } from '../core/scope.js'
import { decideStore, type Save, type StoreInput, type StoreOutcome } from '../core/answer-store.js'
import type { Looked } from '../core/answer.js'
import type { TokenRecord } from '../core/model.js'
import { readTokensFor, updateMetadata, type Metadata } from '../state/tokens.js'
import { statePaths } from '../state/paths.js'
import { writeSecret, refreshAccount } from '../state/sources/index.js'
import { resolveSecret, sessionFor, stampOf } from '../state/secrets.js'
import { note } from '../log/log.js'
import { setSecret, deleteSecret } from '../state/sources/keychain.js'
import { anyPending, settlePending } from '../state/pending.js'
import { keptCredential } from './kept-username.js'
import { say } from '../log/stderr.js'

export interface StoreDeps {
  now: Date
  env: NodeJS.ProcessEnv
  /** A forward was to be asked first and did not answer: its path. */
  forwardGone?: string
}

export async function store(cred: Credential, deps: StoreDeps): Promise<void> {
  const { now, env } = deps
  const paths = statePaths(env)
  const host = cred.protocol && cred.host ? targetOf(cred)?.host : undefined
  // Secrets read once, for the record they were read for (the locked pass may see it changed).
  const known = new Map<string, Looked>()
  const secrets: StoreInput['secrets'] = { secret: t => known.get(stampOf(t, env)), refresh: () => null }
  // Nearly every store is git confirming the token `get` just gave it:
  // decided without the lock, the records read only once the decision looks at them.
  let read: TokenRecord[] | undefined
  const input: StoreInput = {
    cred,
    now,
    secrets,
    get tokens() {
      return (read ??= host ? readTokensFor(paths.metadata, host) : [])
    },
  }
  let first = await settle(input)
  if (first === 'settled') return void note({ outcome: 'prompt-settled' })
  if (first.kind === 'save' && deps.forwardGone) {
    // It may be the forward's token, given to git's get before the forward went: a forwarded secret is never kept here (docs/forwarding.md).
    say(
      `the forward at ${deps.forwardGone} did not answer; a new credential is not saved on this machine (it may be a token the forward gave): if it is this machine's own, add it with: git-credential-pat add`,
    )
    return void note({ outcome: 'not saved: forward gone' })
  }
  if (first.kind === 'save') {
    // A new credential is never kept with a token as its username (git/kept-username.ts).
    const kept = keptCredential(cred, env)
    if (!kept) return
    if (kept !== cred) {
      cred = input.cred = kept
      first = await settle(input)
      if (first === 'settled') return
    }
  }
  if (first.kind !== 'save' && !(first.kind === 'used' && first.write)) return void noteOutcome(first)
  await updateMetadata(paths.metadata, async meta => {
    const o = await settle({ cred, now, secrets, pending: false, session: input.session, tokens: meta.tokens })
    if (o === 'settled') return
    if (o.kind === 'used' && o.write) o.token.lastUsed = now.toISOString()
    if (o.kind === 'save') await saveNew(meta, o)
    noteOutcome(o)
  })

  /** Decide, fetching what the decision needs, until it needs nothing. */
  async function settle(i: StoreInput): Promise<StoreOutcome | 'settled'> {
    for (;;) {
      const o = decideStore(i)
      if (o.kind !== 'need') return o
      const need = o.need
      if (need.kind === 'pending') {
        // A token typed at our prompt: saved (or not) as the user chose, nothing more.
        if (anyPending(paths.pending) && (await settlePending(cred, env, now))) return 'settled'
        i.pending = false
      } else if (need.kind === 'session') i.session = await sessionFor(cred, env)
      else known.set(stampOf(need.token, env), await lookup(need.token, env))
    }
  }
}

/** Unreadable: it cannot be shown to be the secret git sent. */
async function lookup(t: TokenRecord, env: NodeJS.ProcessEnv): Promise<Looked> {
  try {
    return { secret: await resolveSecret(t, env) }
  } catch (e) {
    return { error: (e as Error).message }
  }
}

function noteOutcome(o: StoreOutcome): void {
  if (o.kind === 'used') note({ outcome: 'used', name: o.token.name, scope: o.token.scope })
  else if (o.kind === 'session') note({ outcome: 'session' })
  else if (o.kind === 'kept-dead') note({ outcome: 'kept-dead', name: o.token.name, why: `the secret is token '${o.token.name}', which is ${o.why}` })
  else if (o.kind === 'save') note({ outcome: 'saved', name: o.record.name, scope: o.record.scope })
}

/** The secret (and refresh token) into the keychain first; the record goes in with the metadata write. */
async function saveNew(meta: Metadata, s: Save): Promise<void> {
  await writeSecret(s.record, s.secret)
  if (s.refreshToken) await setSecret(refreshAccount(s.record.name), s.refreshToken)
  else if (s.dropRefresh) await deleteSecret(refreshAccount(s.record.name)).catch(() => false)
  if (s.fresh) meta.tokens.push(s.record)
  else meta.tokens[meta.tokens.findIndex(t => t.name === s.record.name)] = s.record
}
