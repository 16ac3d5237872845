// `get`'s side of credential.pat.autoRotate: a GitLab
// token inside the warning window is renewed by a detached process
// (`rotate NAME --api --background`), never on git's critical path: get only
// takes a lock file and spawns, with stdio closed, and says so in the expiry
// warning. At most once per token: the lock file stops a burst of gets, the
// `started` mark the rotation sets under the metadata lock stops a second
// process, and an attempt is recorded with the expiry it was for; a renewal
// whose new expiry would fall inside the warning window again is not started
// (it would renew on every command), only warned about. Tokens
// whose secret lives in env:, file: or exec: are never renewed here.
import { claimMarker, spawnDetached } from '../runtime/detached.js'
import { makeStateDir } from '../state/trusted-state.js'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import type { TokenRecord } from '../state/tokens.js'
import { statePaths } from '../state/paths.js'
import { warnOnGet } from '../state/warn-state.js'
import { autoRotateFor, setting } from '../gitconfig/settings.js'
import { say } from '../log/stderr.js'
import { inWarnWindow, timeLeft, expiryText, warnConfig, type WarnConfig } from '../core/warn.js'
import { originOf, parseScope } from '../core/scope.js'
import { canSelfRotate, defaultExpiry, markResult, MAX_LIFETIME_DAYS } from './rotate-plan.js'

/** A lock file this old belongs to a process that is gone. */
const LOCK_STALE_MS = 10 * 60_000
/** After a failure that changed nothing at the forge (unreachable), try again after this long. */
const RETRY_FAILED_MS = 3_600_000

/** The lock file that stops a burst of gets from spawning one rotation each. */
export function rotateLockPath(name: string, env: NodeJS.ProcessEnv): string {
  return join(statePaths(env).data, `rotating-${createHash('sha256').update(name).digest('hex').slice(0, 16)}.lock`)
}

/** Instead of warnOnGet for a token near expiry: warn, and renew it in the background when configured to. Never throws. */
export async function nearExpiryOnGet(t: TokenRecord, now: Date, env: NodeJS.ProcessEnv): Promise<void> {
  try {
    const origin = originOf(parseScope(t.scope))
    if (!autoRotateFor(origin, env)) return await warnOnGet(t, now, env)
    const cfg = warnConfig(new Map([['credential.pat.warndays', setting('credential.pat.warnDays', env) ?? '']]))
    if (!inWarnWindow(t, now, cfg)) return
    const skip = notRenewable(t) ?? intoWindow(t, now, cfg)
    if (skip) return await warnOnGet(t, now, env, { say: m => say(`${m} (credential.pat.autoRotate skips it: ${skip})`) })
    if (mayStart(t, now) && (await start(t, env))) {
      say(
        `token '${t.name}' (${t.scope}) expires in ${timeLeft(Date.parse(t.expires!) - now.getTime())}, on ${expiryText(t.expires!)}; ` +
          `renewing it through the forge in the background (credential.pat.autoRotate); see: git-credential-pat show ${t.name}`,
      )
      return
    }
    await warnOnGet(t, now, env, { say: m => say(`${m} (${lastAttempt(t, now)})`) })
  } catch {
    // A warning, or a renewal, must never cost the user their credential.
  }
}

/** Why autoRotate does not renew this token, or null. */
export function notRenewable(t: TokenRecord): string | null {
  if (t.provider !== 'gitlab') return `${t.provider} has no API to renew a token`
  if (t.source !== 'keychain') return `its secret lives in ${t.source.split(':')[0]}:…, so renew it there`
  if (canSelfRotate(t.checked?.scopes) === false) return 'its scopes (no api or self_rotate) do not let it renew itself'
  return null
}

/**
 * Why a renewal would not help: the lifetime it asks for (rotate-plan.ts
 * defaultExpiry) ends inside the warning window again, so every git command
 * would renew the token once more. Null when it would land beyond it.
 */
export function intoWindow(t: TokenRecord, now: Date, cfg: WarnConfig): string | null {
  const plan = defaultExpiry(t, now)
  if (!inWarnWindow({ ...t, expires: `${plan.date}T00:00:00.000Z` }, now, cfg)) return null
  return (
    `a renewal for ${plan.days} days (${plan.known ? 'its previous lifetime' : 'its lifetime is unknown'}) would expire inside credential.pat.warnDays (${cfg.warnDays}); ` +
    `renew it for longer: git-credential-pat rotate ${t.name} --api --expires ${longer(cfg)}d`
  )
}

/** A lifetime well past the warning window, within GitLab's cap. */
const longer = (cfg: WarnConfig) => Math.min(MAX_LIFETIME_DAYS, Math.max(90, 3 * cfg.warnDays))

/**
 * Whether an earlier attempt lets a new one start: once per token and the
 * expiry it was for (a `rotated` mark from the expiry the token still has:
 * the forge renewed it but kept the date); never after a lost answer.
 */
export function mayStart(t: TokenRecord, now: Date): boolean {
  const m = t.rotation
  switch (markResult(m, now)) {
    case undefined:
      return true
    case 'rotated':
      return m!.expires !== t.expires
    case 'failed':
      return now.getTime() - Date.parse(m!.at) > RETRY_FAILED_MS
    case 'refused':
      return m!.expires !== t.expires
    default:
      return false // started (under way), unknown, lost
  }
}

function lastAttempt(t: TokenRecord, now: Date): string {
  const m = t.rotation!
  const when = m?.at.slice(0, 10)
  switch (markResult(m, now)) {
    case 'started':
      return `being renewed in the background since ${m.at.slice(11, 16)} UTC`
    case 'unknown':
      return `its renewal on ${when} got no answer; run: git-credential-pat check ${t.name}`
    case 'lost':
      return `its renewal on ${when} was lost; see: git-credential-pat show ${t.name}`
    case 'rotated':
      return `renewed on ${when}, but the forge kept its expiry; give it one: git-credential-pat rotate ${t.name} --api --expires 90d`
    default:
      return `automatic renewal failed on ${when}${m?.note ? `: ${m.note}` : ''}`
  }
}

/** Take the lock file and spawn the renewal; false if another holds the lock or the spawn failed. */
async function start(t: TokenRecord, env: NodeJS.ProcessEnv): Promise<boolean> {
  const lock = rotateLockPath(t.name, env)
  makeStateDir(statePaths(env).data)
  if (!claimMarker(lock, LOCK_STALE_MS)) return false
  await spawnDetached(['rotate', t.name, '--api', '--background'], env, { background: true })
  return true
}

/** Whether credential.pat.autoRotate would renew this token near expiry (list/show mark it). */
export function wouldAutoRotate(t: TokenRecord, env: NodeJS.ProcessEnv): boolean {
  try {
    return notRenewable(t) === null && autoRotateFor(originOf(parseScope(t.scope)), env)
  } catch {
    return false
  }
}

/** A rotation mark, in words for list/show; undefined when there is nothing to say. */
export function rotationText(t: TokenRecord, now: Date): string | undefined {
  const m = t.rotation
  if (!m) return undefined
  const when = m.at.replace(/\.\d{3}Z$/, 'Z')
  const how = m.auto ? 'automatic renewal' : 'renewal'
  switch (markResult(m, now)) {
    case 'rotated':
      return `${how} through the forge ${when}`
    case 'started':
      return `${how} under way since ${when}`
    case 'unknown':
      return `${how} ${when} got no answer; run: git-credential-pat check ${t.name}`
    case 'lost':
      return `${how} ${when} happened but its new token was lost; make a new one, then: git-credential-pat rotate ${t.name}`
    default:
      return `${how} ${when} ${m.result}${m.note ? `: ${m.note}` : ''}`
  }
}
