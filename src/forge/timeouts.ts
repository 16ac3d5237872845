// How long a forge gets to answer: `check` waits for it, `erase` runs inside
// git's failing command and may not.
import { setting } from '../gitconfig/settings.js'
import { parseDuration } from '../core/warn.js'

export const CHECK_TIMEOUT_DEFAULT_MS = 10_000
export const ERASE_TIMEOUT_MS = 3_000

/** `check`: GIT_CREDENTIAL_PAT_CHECK_TIMEOUT_MS, else git config credential.pat.checkTimeout (`10s`, `10`), else 10 s. */
export function checkTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.GIT_CREDENTIAL_PAT_CHECK_TIMEOUT_MS)
  if (Number.isFinite(n) && n > 0) return n
  return parseDuration(setting('credential.pat.checkTimeout', env)) || CHECK_TIMEOUT_DEFAULT_MS
}

/** `erase` runs inside git's failing command: at most 3 s (less if the env says so). */
export function eraseTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.GIT_CREDENTIAL_PAT_CHECK_TIMEOUT_MS)
  return Number.isFinite(n) && n > 0 ? Math.min(n, ERASE_TIMEOUT_MS) : ERASE_TIMEOUT_MS
}
