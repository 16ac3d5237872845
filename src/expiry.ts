// Expiry maths (pure). Dates follow GitLab: a token with expiry date D stops
// working at 00:00 UTC on D (SPEC §4).
import { addDays } from 'date-fns/addDays'
import { addWeeks } from 'date-fns/addWeeks'
import { addMonths } from 'date-fns/addMonths'
import { addYears } from 'date-fns/addYears'
import { PatError } from './errors.js'

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
  const base = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()))
  const add = { d: addDays, w: addWeeks, m: addMonths, y: addYears }[rel[2].toLowerCase() as 'd' | 'w' | 'm' | 'y']
  // date-fns works in local time; half a day of slack absorbs DST shifts.
  const d = new Date(add(base, n).getTime() + 43_200_000)
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())).toISOString()
}

/** Whole days from now until expiry (negative once expired), rounded down. */
export function daysLeft(expires: string, now: Date): number {
  return Math.floor((Date.parse(expires) - now.getTime()) / 86_400_000)
}
