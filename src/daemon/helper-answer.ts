// A whole `get` or `store` answered by the daemon: the client sends what git
// wrote, with the inputs the decision depends on that are its own (its
// metadata file, keychain service, pending directory), and gets back git's
// answer in one round trip, so the process git starts loads neither the
// metadata code nor the keychain.
//
// The decision is the process's own (core/answer-get.ts, answer-store.ts),
// made with what the daemon has: the records, the secrets it caches for
// those very records, the session tokens. It answers only an outcome that
// needs nothing else and writes nothing: a secret not cached, a token from
// env: or file:, the expiry-warning settings (git config), a prompt, a
// typed answer pending, a last use or a new token to write, are
// `handled: false`, and the client does the request itself.
import { statSync } from 'node:fs'
import { anyPending } from '../state/pending.js'
import { parseCredential, type Credential } from '../core/protocol.js'
import { targetOf, type Target } from '../core/scope.js'
import { mayCover } from '../core/select.js'
import { decideGet } from '../core/answer-get.js'
import { decideStore } from '../core/answer-store.js'
import type { SecretLookup, SessionToken } from '../core/answer.js'
import { readTokensFor, type TokenRecord } from '../state/tokens.js'
import { cacheable, stampOf } from '../state/stamp.js'
import { refreshAccount } from '../state/sources/index.js'
import { logger, requestFields } from '../log/log.js'
import { HELPER_MAX_METADATA_BYTES, type HelperRequest, type Reply } from './client/protocol.js'
import type { SecretCache } from './cache.js'
import type { SessionStore } from './sessions.js'

const NOT_HANDLED: Reply = { ok: true, handled: false }

export interface HelperState {
  cache: SecretCache
  sessions: SessionStore
}

interface Done {
  token?: TokenRecord
  outcome: string
  out: string
  notes: string[]
}

/** Answer one request whole if it can; `home` is the daemon's own metadata file, `now` the request's time. */
export function answerHelper(d: HelperState, req: HelperRequest, home: string, now: Date): Reply {
  const started = performance.now()
  // One daemon serves one home: the store id that names keychain items is bound to its metadata file.
  if (req.metadata !== home) return NOT_HANDLED
  let cred: Credential
  try {
    cred = parseCredential(req.input)
  } catch {
    return NOT_HANDLED // the process refuses it with its own message
  }
  let done: Done | null
  try {
    done = req.action === 'get' ? get(d, req, cred, now) : store(d, req, cred, now)
  } catch {
    return NOT_HANDLED // unreadable metadata is reported by the process
  }
  if (!done) return NOT_HANDLED
  const extra = { name: done.token?.name, scope: done.token?.scope, via: 'daemon', ms: round(performance.now() - started) }
  logger('helper').info({ ...requestFields(req.action, cred, extra, done.outcome), answeredBy: 'daemon' }, 'request')
  return { ok: true, handled: true, out: done.out, ...(done.notes.length ? { notes: done.notes } : {}) }
}

function get(d: HelperState, req: HelperRequest, cred: Credential, now: Date): Done | null {
  const target = targetOf(cred)
  const tokens = target?.host ? tokensFor(req.metadata, target, true) : []
  if (!tokens) return null
  const o = decideGet({ cred, tokens, now, secrets: lookup(d, req), session: session(d, cred) })
  if (o.need || o.warned || o.autoRotate) return null
  return { token: o.token, outcome: o.out ? 'answered' : 'none', out: o.out, notes: o.notes }
}

function store(d: HelperState, req: HelperRequest, cred: Credential, now: Date): Done | null {
  // The client's own pending directory: a typed answer there is settled by the process.
  if (req.pending === undefined) return null
  const target = targetOf(cred)
  const tokens = target?.host ? tokensFor(req.metadata, target, false) : []
  if (!tokens) return null
  const o = decideStore({ cred, tokens, now, secrets: lookup(d, req), session: session(d, cred), pending: anyPending(req.pending) })
  if (o.kind === 'used' && !o.write) return { token: o.token, outcome: 'used', out: '', notes: [] }
  if (o.kind === 'session' || o.kind === 'ignored') return { outcome: o.kind, out: '', notes: [] }
  return null
}

/** Secrets as the client's process would get them from this daemon: cached for this very record, under the client's keychain service. */
function lookup(d: HelperState, req: HelperRequest): SecretLookup {
  const env = { GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE: req.service }
  const cached = (key: string, t: TokenRecord) => (cacheable(t) ? d.cache.get(key, stampOf(t, env)) : undefined)
  return {
    secret: t => {
      const s = cached(t.name, t)
      return s === undefined ? undefined : { secret: s }
    },
    // Not cached may mean none or not read yet: only the process can tell.
    refresh: t => cached(refreshAccount(t.name), t),
  }
}

/** The session token the process would be handed for this request. */
function session(d: HelperState, cred: Credential): SessionToken | null {
  const s = d.sessions.find({ op: 'session-get', protocol: cred.protocol, host: cred.host, path: cred.path, username: cred.username })
  return s ? { scope: s.scope, username: s.username, secret: s.secret, expiresAt: s.expiresAt === undefined ? undefined : new Date(s.expiresAt) } : null
}

const round = (ms: number) => Math.round(ms * 10) / 10

/**
 * The host's records as readTokensFor gives them, read again only when the
 * file changed (every write renames a new file in: another inode), and
 * split once into those that may cover a URL with a path and those that
 * may cover one without (mayCover, as get's decision filters). Reading and
 * filtering a 10,000-token file for each of 64 concurrent requests took the
 * daemon's peak memory from 50 to 86 MB. A few dozen hosts at most are kept.
 */
const read = new Map<string, { sig: string; all: TokenRecord[]; withPath: TokenRecord[]; noPath: TokenRecord[] }>()
const MAX_HOSTS = 64

/** The records that may concern the target (all of the host's for store), or null when the file is too large to hold here. */
function tokensFor(file: string, target: Target, forGet: boolean): TokenRecord[] | null {
  const host = target.host!
  const st = statSync(file, { throwIfNoEntry: false })
  if (!st) return readTokensFor(file, host) // none: readTokensFor says so (or reports why)
  if (st.size > HELPER_MAX_METADATA_BYTES) return null
  const sig = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`
  const key = `${file}\0${host}`
  let hit = read.get(key)
  if (hit?.sig !== sig) {
    const all = readTokensFor(file, host)
    const withPath = all.filter(t => mayCover(t.scope, { host, path: [] }))
    hit = { sig, all, withPath, noPath: withPath.filter(t => mayCover(t.scope, { host })) }
    if (read.size >= MAX_HOSTS) read.clear()
    read.set(key, hit)
  }
  return !forGet ? hit.all : target.path === undefined ? hit.noPath : hit.withPath
}
