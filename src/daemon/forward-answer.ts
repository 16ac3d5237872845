// What a forward answers (docs/forwarding.md): git's get with the host's own
// decision (core/answer-get.ts), restricted to the forward's allow-list; a
// store that only records the last use of the token the forward gives; an
// erase that only marks that token rejected, and only when the remote sends
// its very secret. It never prompts on the host, never answers with a
// session-only token, never adds or deletes a token. Each answer and refusal
// is logged with the forward's id, the URL and the token name.
import type { Scope } from '../core/scope.js'
import { targetOf } from '../core/scope.js'
import { mayCover, scopeOf } from '../core/select.js'
import { parseCredential, sentSecret, type Credential } from '../core/protocol.js'
import { decideGet, type GetInput } from '../core/answer-get.js'
import { servesProtocol, type Looked } from '../core/answer.js'
import { tokenAllowed, urlAllowed, type ForwardReply, type ForwardRequest } from '../core/forward.js'
import { warnConfig } from '../core/warn.js'
import { LAST_USED_FRESH_MS, type TokenRecord } from '../core/model.js'
import { readTokensFor, updateMetadata } from '../state/tokens.js'
import { statePaths } from '../state/paths.js'
import { cacheable, stampOf } from '../state/stamp.js'
import { readSecret } from '../state/sources/index.js'
import { logger } from '../log/log.js'
import type { SecretCache } from './cache.js'

const log = logger('forward')
const NONE: ForwardReply = { out: '', warnings: [], forwarded: false }

export interface ForwardContext {
  id: string
  allow: readonly Scope[]
  cache: SecretCache
  env: NodeJS.ProcessEnv
  now: Date
}

/** The reply to one request; never throws (an error is "no token", logged). */
export async function answerForward(c: ForwardContext, req: ForwardRequest): Promise<ForwardReply> {
  let cred: Credential
  try {
    cred = parseCredential(req.input)
  } catch {
    return refuse(c, req.op, undefined, 'malformed request')
  }
  const target = servesProtocol(cred) ? targetOf(cred) : null
  if (!target?.protocol || !target.host) return refuse(c, req.op, cred, 'not an http(s) URL')
  if (!urlAllowed(c.allow, target)) return refuse(c, req.op, cred, 'URL outside the allow-list')
  try {
    const chosen = await choose(c, cred)
    if ('refused' in chosen) return refuse(c, req.op, cred, chosen.refused, chosen.token?.name)
    if (req.op === 'get') {
      log.info({ forward: c.id, op: 'get', url: urlOf(cred), name: chosen.token.name, outcome: 'answered' }, 'forward')
      return { out: chosen.out, warnings: chosen.warnings, forwarded: false }
    }
    // store and erase concern only the credential the forward gives, sent back whole.
    if (sentSecret(cred) !== chosen.secret) return refuse(c, req.op, cred, 'not the credential this forward gives', chosen.token.name)
    if (req.op === 'store') await confirm(c, chosen.token)
    else await reject(c, chosen.token, urlOf(cred))
    log.info({ forward: c.id, op: req.op, url: urlOf(cred), name: chosen.token.name, outcome: req.op === 'store' ? 'used' : 'rejected' }, 'forward')
    return { out: '', warnings: [], forwarded: true }
  } catch (e) {
    return refuse(c, req.op, cred, `error: ${(e as Error).message}`)
  }
}

type Chosen = { token: TokenRecord; secret: string; out: string; warnings: string[] } | { refused: string; token?: TokenRecord }

/** The host's own decision for this URL, stopped as soon as it reaches a token outside the allow-list. */
async function choose(c: ForwardContext, cred: Credential): Promise<Chosen> {
  const target = targetOf(cred)!
  const tokens = readTokensFor(statePaths(c.env).metadata, target.host!, scope => mayCover(scope, target))
  const secrets = new Map<TokenRecord, Looked>()
  // Without capability[]=authtype git gets username and password only, as from the process.
  const input: GetInput = {
    cred,
    tokens,
    now: c.now,
    // An OAuth refresh token never leaves the host: the remote gets the access token only.
    secrets: { secret: t => secrets.get(t), refresh: () => null },
    // No session-only token leaves the host; the warning is said on the remote every time.
    session: null,
    warn: { autoRotate: false, cfg: warnConfig(new Map()), state: {} },
  }
  for (;;) {
    const o = decideGet(input)
    const need = o.need
    if (!need) {
      if (!o.token || !o.out) return { refused: 'no usable token' }
      const looked = secrets.get(o.token)
      if (!tokenAllowed(c.allow, scopeOf(o.token)) || !looked || !('secret' in looked)) return { refused: 'token outside the allow-list', token: o.token }
      // Only the expiry warning goes to the remote: other notes may name the host's other tokens.
      return { token: o.token, secret: looked.secret, out: o.out, warnings: o.warned ? o.notes.slice(-1) : [] }
    }
    if (need.kind !== 'secret') return { refused: 'no usable token' } // a prompt: nothing usable here
    // The decision reads a secret only for the token it is about to answer with.
    if (!tokenAllowed(c.allow, scopeOf(need.token))) return { refused: 'token outside the allow-list', token: need.token }
    secrets.set(need.token, await lookup(c, need.token))
  }
}

async function lookup(c: ForwardContext, t: TokenRecord): Promise<Looked> {
  try {
    const s = await cachedRead(c, t, () => readSecret(t, c.env))
    return s === null ? { error: `token '${t.name}' has no secret` } : { secret: s }
  } catch (e) {
    return { error: (e as Error).message }
  }
}

/** A secret through the daemon's cache, as every get's (cache.ts). */
async function cachedRead(c: ForwardContext, t: TokenRecord, load: () => Promise<string | null>): Promise<string | null> {
  const stamp = cacheable(t) ? stampOf(t, c.env) : null
  const hit = stamp === null ? undefined : c.cache.get(t.name, stamp)
  if (hit !== undefined) return hit
  const since = Date.now()
  const s = await load()
  if (s !== null && stamp !== null) c.cache.put(t.name, stamp, s, since)
  return s
}

/** The last use of the token, at most once a minute, as store does for the host's own git. */
async function confirm(c: ForwardContext, t: TokenRecord): Promise<void> {
  if (t.lastUsed !== undefined && c.now.getTime() - Date.parse(t.lastUsed) < LAST_USED_FRESH_MS) return
  await updateMetadata(statePaths(c.env).metadata, m => {
    const rec = m.tokens.find(r => r.name === t.name && r.scope === t.scope)
    if (rec) rec.lastUsed = c.now.toISOString()
  })
}

/** Marked rejected, as erase marks an added token: skipped by get, shown by list, cleared by rotate or enable. */
async function reject(c: ForwardContext, t: TokenRecord, url: string): Promise<void> {
  await updateMetadata(statePaths(c.env).metadata, m => {
    const rec = m.tokens.find(r => r.name === t.name && r.scope === t.scope)
    if (!rec || rec.state !== 'active') return
    rec.state = 'rejected'
    rec.rejected = { at: c.now.toISOString(), url }
  })
}

function refuse(c: ForwardContext, op: string, cred: Credential | undefined, why: string, name?: string): ForwardReply {
  log.info({ forward: c.id, op, url: cred ? urlOf(cred) : undefined, name, outcome: 'refused', why }, 'forward')
  return NONE
}

const urlOf = (c: Credential) => `${c.protocol ?? '?'}://${c.host ?? ''}${c.path ? '/' + c.path : ''}`
