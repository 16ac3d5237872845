// A whole `get` or `store` answered by the daemon (issue 11): the client
// sends what git wrote and gets back git's answer in one round trip, so the
// process git starts loads neither the metadata code nor the keychain.
//
// Only the everyday case is answered here, where the answer is certain to
// be the one the process would give itself (git/get.ts, git/store.ts):
// the best token for the URL is usable, its secret is in the cache for this
// very record, and nothing needs saying on stderr, reading git config,
// prompting or writing. Anything else (an expired or disabled token ranked
// first, an expiry warning due, a secret not cached, a typed answer
// pending, a session token, a token from env:/file:, an authtype, a
// metadata file over 1 MiB) is `handled: false`, and the client does the
// request itself as before.
import { statSync } from 'node:fs'
import { anyPending } from '../state/pending.js'
import { parseCredential, passwordAnswer, sentSecret, type Credential } from '../core/protocol.js'
import { targetOf, type Target } from '../core/scope.js'
import { candidates, mayCover, usable } from '../core/select.js'
import { nearExpiry } from '../core/warn.js'
import { LAST_USED_FRESH_MS, readTokensFor, type TokenRecord } from '../state/tokens.js'
import { statePaths } from '../state/paths.js'
import { cacheable, stampOf } from '../state/stamp.js'
import { logger, requestFields } from '../log/log.js'
import { HELPER_MAX_METADATA_BYTES, type HelperRequest, type Reply } from './protocol.js'
import type { SecretCache } from './cache.js'
import type { SessionStore } from './sessions.js'

const NOT_HANDLED: Reply = { ok: true, handled: false }

export interface HelperState {
  cache: SecretCache
  sessions: SessionStore
}

export function answerHelper(d: HelperState, req: HelperRequest, env: NodeJS.ProcessEnv = process.env, now = new Date()): Reply {
  const started = performance.now()
  // One daemon serves one home: another metadata file or keychain service is another user's view.
  const own = statePaths(env)
  if (req.metadata !== own.metadata || (req.service ?? '') !== (env.GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE ?? '')) return NOT_HANDLED
  let cred: Credential
  try {
    cred = parseCredential(req.input)
  } catch {
    return NOT_HANDLED // the process refuses it with its own message
  }
  const target = targetOf(cred)
  if (!target?.protocol || !target.host || !['http', 'https'].includes(target.protocol)) return NOT_HANDLED
  let tokens: TokenRecord[] | null
  try {
    tokens = tokensFor(own.metadata, target)
  } catch {
    return NOT_HANDLED // unreadable metadata is reported by the process
  }
  if (!tokens) return NOT_HANDLED
  const done = req.action === 'get' ? get(d, cred, target, tokens, env, now) : store(d, cred, target, tokens, own.pending, env, now)
  if (!done) return NOT_HANDLED
  const fields = requestFields(
    req.action,
    cred,
    { name: done.token.name, scope: done.token.scope, via: 'daemon', ms: round(performance.now() - started) },
    done.outcome,
  )
  logger('helper').info({ ...fields, answeredBy: 'daemon' }, 'request')
  return { ok: true, handled: true, out: done.out }
}

interface Done {
  token: TokenRecord
  outcome: string
  out: string
}

function get(d: HelperState, cred: Credential, target: Target, tokens: TokenRecord[], env: NodeJS.ProcessEnv, now: Date): Done | null {
  // The first candidate decides: an unusable one ranked above it would have been named on stderr.
  const first = candidates(tokens, target, now)[0]
  if (!first || first.unusable) return null
  const t = first.token
  if (!plain(t) || nearExpiry(t, now)) return null
  const secret = d.cache.get(t.name, stampOf(t, env))
  if (secret === undefined) return null
  return { token: t, outcome: 'answered', out: passwordAnswer(t, secret) }
}

/** git confirming the token get just gave it, whose last use is fresh: nothing to write. */
function store(d: HelperState, cred: Credential, target: Target, tokens: TokenRecord[], pendingDir: string, env: NodeJS.ProcessEnv, now: Date): Done | null {
  const secret = sentSecret(cred)
  if (cred.ephemeral || cred.authtype || secret === undefined || cred.username === undefined || target.path === null) return null
  if (anyPending(pendingDir)) return null
  if (d.sessions.find({ op: 'session-get', protocol: cred.protocol, host: cred.host, path: cred.path, username: cred.username })?.secret === secret) return null
  for (const c of usable(tokens, target, now)) {
    const cached = d.cache.get(c.token.name, stampOf(c.token, env))
    if (cached === undefined || !plain(c.token)) return null // the process would read the source: it cannot be ruled out here
    if (cached !== secret) continue
    const fresh = c.token.lastUsed !== undefined && now.getTime() - Date.parse(c.token.lastUsed) < LAST_USED_FRESH_MS
    return fresh ? { token: c.token, outcome: 'used', out: '' } : null
  }
  return null
}

/** A token answered as username and password from a cached source, as get.ts does for it. */
function plain(t: TokenRecord): boolean {
  return cacheable(t) && !t.authtype && t.auth !== 'bearer' && !t.hasRefreshToken
}

const round = (ms: number) => Math.round(ms * 10) / 10

/**
 * The host's records as readTokensFor gives them, read again only when the
 * file changed (every write renames a new file in: another inode), and
 * split once into those that may cover a URL with a path and those that
 * may cover one without (mayCover, as get.ts filters). Reading and
 * filtering a 10,000-token file for each of 64 concurrent requests took the
 * daemon's peak memory from 50 to 86 MB (issue 11). A few dozen hosts at
 * most are kept.
 */
const read = new Map<string, { sig: string; withPath: TokenRecord[]; noPath: TokenRecord[] }>()
const MAX_HOSTS = 64

/** The records that may cover the target, or null when the file is too large to hold here. */
function tokensFor(file: string, target: Target): TokenRecord[] | null {
  const host = target.host!
  const st = statSync(file, { throwIfNoEntry: false })
  if (!st) return readTokensFor(file, host) // none: readTokensFor says so (or reports why)
  if (st.size > HELPER_MAX_METADATA_BYTES) return null
  const sig = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`
  const key = `${file}\0${host}`
  let hit = read.get(key)
  if (hit?.sig !== sig) {
    const tokens = readTokensFor(file, host)
    const withPath = tokens.filter(t => mayCover(t.scope, { host, path: [] }))
    hit = { sig, withPath, noPath: withPath.filter(t => mayCover(t.scope, { host })) }
    if (read.size >= MAX_HOSTS) read.clear()
    read.set(key, hit)
  }
  return target.path === undefined ? hit.noPath : hit.withPath
}
