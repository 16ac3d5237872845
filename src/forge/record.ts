// What `check` and `erase` write on the token after asking its forge.
import type { TokenRecord } from '../state/tokens.js'
import type { ForgeReport } from './report.js'

/** What a report teaches the token record (not its state: check and erase decide that). */
export function recordReport(t: TokenRecord, r: ForgeReport, now: Date): void {
  const prev = t.checked
  const learned = r.verdict !== 'unknown' && r.verdict !== 'unreachable'
  t.checked = {
    at: now.toISOString(),
    result: r.verdict,
    active: r.active ?? (learned ? prev?.active : undefined),
    scopes: r.scopes ?? (learned ? prev?.scopes : undefined),
    login: r.login ?? prev?.login,
    note: r.message,
    apiUrl: r.apiUrl,
  }
  if (r.expires !== undefined) t.expires = r.expires
}
