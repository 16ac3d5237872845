// Expiry maths (pure). Dates follow GitLab: a token with expiry date D stops
// working at 00:00 UTC on D.
import { PatError } from '../errors.js'

const DAY = 86_400_000

/** `2027-01-31`, `90d`, `12w`, `6m`, `1y` → ISO timestamp at 00:00 UTC; '' → null. */
export function parseExpires(text: string, now: Date): string | null {
  const s = text.trim()
  if (s === '' || s === 'never' || s === 'unknown') return null
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s)
  if (date) {
    const d = new Date(Date.UTC(+date[1], +date[2] - 1, +date[3]))
    if (d.getUTCFullYear() !== +date[1] || d.getUTCMonth() !== +date[2] - 1 || d.getUTCDate() !== +date[3]) {
      throw new PatError('INPUT', `--expires ${s} is not a real date`)
    }
    return d.toISOString()
  }
  const rel = /^(\d{1,4})\s*([dwmy])$/i.exec(s)
  if (!rel) throw new PatError('INPUT', `--expires takes a date (2027-01-31) or a duration (90d, 12w, 6m, 1y), not '${s}'`)
  const n = Number(rel[1])
  const unit = rel[2].toLowerCase()
  // All in UTC, so the answer does not depend on the local time zone.
  const [y, m, d] = [now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()]
  if (unit === 'd' || unit === 'w') return new Date(Date.UTC(y, m, d) + n * (unit === 'w' ? 7 : 1) * DAY).toISOString()
  // Months and years keep the day of the month, clamped to the target month's
  // last day (Jan 31 + 1m = Feb 28/29), as date-fns addMonths/addYears do.
  const months = m + n * (unit === 'y' ? 12 : 1)
  const last = new Date(Date.UTC(y, months + 1, 0)).getUTCDate()
  return new Date(Date.UTC(y, months, Math.min(d, last))).toISOString()
}

/** Whole days from now until expiry (negative once expired), rounded down. */
export function daysLeft(expires: string, now: Date): number {
  return Math.floor((Date.parse(expires) - now.getTime()) / 86_400_000)
}

/**
 * Where "in N days" counts from: for an expiry date D (00:00 UTC, as forges
 * give them) with a day or more left, the start of today (UTC), so the days
 * counted are the calendar days to D and a token added with `--expires 3d`
 * shows "in 3 days" all the day it was added; otherwise (a time of day, or
 * the last hours) now itself.
 */
export function countFrom(expires: string, now: Date): Date {
  const at = Date.parse(expires)
  if (at % DAY !== 0 || at - now.getTime() < DAY) return now
  return new Date(Math.floor(now.getTime() / DAY) * DAY)
}

/** The calendar day (UTC) of an ISO timestamp, as every message shows it. */
export const day = (iso: string): string => iso.slice(0, 10)
