// Expiry warnings on `get` (docs/git-credential-pat.md, "Configuration"): the decisions, pure, with the clock
// passed in. The I/O (git config, the rate-limit file, stderr) is in
// warn-state.ts. Nothing here may load date-fns or yargs: this is the get path.
import type { TokenRecord } from './model.js'
import { countFrom } from './expiry.js'

const MINUTE = 60_000
const HOUR = 3_600_000
const DAY = 86_400_000

export const WARN_DAYS_DEFAULT = 7
export const WARN_INTERVAL_DEFAULT_MS = DAY
/**
 * `get` looks at git config and the rate-limit file only for a token this
 * close to expiry, so a larger `credential.pat.warnDays` counts as 30.
 */
export const WARN_DAYS_MAX = 30

export interface WarnConfig {
  warnDays: number
  intervalMs: number
}

/** When a token was last warned about, and for which expiry (a rotated token starts afresh). */
export interface WarnRecord {
  at: string
  expires: string
}
export type WarnState = Record<string, WarnRecord>

/** `credential.pat.warnDays`: a whole number of days, 0 = never warn; null if not one. */
export function parseWarnDays(text: string | undefined): number | null {
  if (text === undefined || !/^\s*\d{1,5}\s*$/.test(text)) return null
  return Number(text)
}

/** `24h`, `90m`, `3600s`, `1d`, `1w` or plain seconds → milliseconds; null if none of those. */
export function parseDuration(text: string | undefined): number | null {
  const m = /^\s*(\d{1,9})\s*(s|m|h|d|w)?\s*$/i.exec(text ?? '')
  if (!m) return null
  const unit = { s: 1000, m: MINUTE, h: HOUR, d: DAY, w: 7 * DAY }[(m[2] ?? 's').toLowerCase() as 's']
  return Number(m[1]) * unit
}

/** The settings from `credential.pat.*` values (keys as git prints them: lower case); bad values mean the default. */
export function warnConfig(values: ReadonlyMap<string, string>): WarnConfig {
  return {
    warnDays: parseWarnDays(values.get('credential.pat.warndays')) ?? WARN_DAYS_DEFAULT,
    intervalMs: parseDuration(values.get('credential.pat.warninterval')) ?? WARN_INTERVAL_DEFAULT_MS,
  }
}

const msLeft = (t: TokenRecord, now: Date) => (t.expires === null ? NaN : Date.parse(t.expires) - now.getTime())

/** Whether the token expires soon enough that `get` must read the config and state at all. */
export function nearExpiry(t: TokenRecord, now: Date): boolean {
  const left = msLeft(t, now)
  return left > 0 && left <= WARN_DAYS_MAX * DAY
}

/** Whether the token is inside the warning window (not yet expired: that is another message). */
export function inWarnWindow(t: TokenRecord, now: Date, cfg: WarnConfig): boolean {
  const left = msLeft(t, now)
  return left > 0 && left <= Math.min(cfg.warnDays, WARN_DAYS_MAX) * DAY
}

/**
 * Whether this `get` warns: inside the window, and not already warned about
 * within the interval, except in the last 24 hours, when every use warns.
 */
export function shouldWarn(t: TokenRecord, now: Date, cfg: WarnConfig, last?: WarnRecord): boolean {
  if (!inWarnWindow(t, now, cfg)) return false
  if (msLeft(t, now) <= DAY) return true
  if (!last || last.expires !== t.expires) return true
  const since = now.getTime() - Date.parse(last.at)
  // A last warning "in the future" (clock moved back) does not silence us.
  return !(since >= 0 && since < cfg.intervalMs)
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`

/** Whole days left, or hours in the last day, or minutes in the last hour. */
export function timeLeft(ms: number): string {
  if (ms >= DAY) return plural(Math.floor(ms / DAY), 'day')
  if (ms >= HOUR) return plural(Math.floor(ms / HOUR), 'hour')
  return plural(Math.max(1, Math.floor(ms / MINUTE)), 'minute')
}

/** `2027-01-31` for a date (GitLab: it stops working at 00:00 UTC that day), else with the UTC time. */
export function expiryText(iso: string): string {
  const d = new Date(iso)
  const day = d.toISOString().slice(0, 10)
  return d.getTime() % DAY === 0 ? day : `${day} ${d.toISOString().slice(11, 16)} UTC`
}

/** The one stderr line (say() adds the `git-credential-pat:` prefix). */
export function warningText(t: TokenRecord, now: Date): string {
  return (
    `token '${t.name}' (${t.scope}) expires in ${timeLeft(msLeft(t, countFrom(t.expires!, now)))}, on ${expiryText(t.expires!)}; ` +
    `rotate it: git-credential-pat rotate ${t.name}`
  )
}

/** Record a warning and drop entries for tokens already expired, so the file stays small. */
export function recordWarning(state: WarnState, t: TokenRecord, now: Date): WarnState {
  const out: WarnState = {}
  for (const [name, rec] of Object.entries(state)) {
    if (rec && typeof rec.expires === 'string' && Date.parse(rec.expires) > now.getTime()) out[name] = rec
  }
  out[t.name] = { at: now.toISOString(), expires: t.expires! }
  return out
}
