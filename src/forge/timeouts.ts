// How long a forge gets to answer: one bound for `add`, `check` and
// `rotate` (git config credential.pat.checkTimeout, docs/git-credential-pat.md
// "Configuration"); `erase` runs inside git's failing command and waits less.
import { setting } from '../gitconfig/settings.js'
import { parseDuration } from '../core/warn.js'

export const CHECK_TIMEOUT_DEFAULT_MS = 5000
/** The setting and its default, as messages name them. */
export const CHECK_TIMEOUT_SETTING = `git config credential.pat.checkTimeout; default ${CHECK_TIMEOUT_DEFAULT_MS / 1000}s`
export const ERASE_TIMEOUT_MS = 3_000

/** add, check, rotate: GIT_CREDENTIAL_PAT_CHECK_TIMEOUT_MS, else git config credential.pat.checkTimeout (`5s`, `5`), else 5 s. */
export function checkTimeoutMs(env: NodeJS.ProcessEnv): number {
  const n = Number(env.GIT_CREDENTIAL_PAT_CHECK_TIMEOUT_MS)
  if (Number.isFinite(n) && n > 0) return n
  return parseDuration(setting('credential.pat.checkTimeout', env)) || CHECK_TIMEOUT_DEFAULT_MS
}

/** `erase` runs inside git's failing command: at most 3 s (less if the env says so). */
export function eraseTimeoutMs(env: NodeJS.ProcessEnv): number {
  const n = Number(env.GIT_CREDENTIAL_PAT_CHECK_TIMEOUT_MS)
  return Number.isFinite(n) && n > 0 ? Math.min(n, ERASE_TIMEOUT_MS) : ERASE_TIMEOUT_MS
}
