// doctor's text output: one line per check, its details and fixes under it,
// and a closing verdict.
import { renderTable, type Cell } from '../table.js'
import type { Check, CheckStatus } from './check.js'

export function renderChecks(checks: readonly Check[], colour: boolean): string {
  const tone = (s: CheckStatus): Cell['tone'] => (s === 'fail' ? 'red' : s === 'warn' ? 'yellow' : s === 'skip' ? 'dim' : undefined)
  const label = { ok: 'ok', warn: 'WARN', fail: 'FAIL', skip: 'skip' }
  const out: string[] = []
  for (const c of checks) {
    out.push(renderTable(['', ''], [[{ text: label[c.status].padEnd(4), tone: tone(c.status) }, { text: `${c.id}: ${c.summary}` }]], colour).split('\n')[1])
    for (const d of c.details) out.push(`        ${d}`)
    for (const f of c.fix) out.push(`        fix: ${f}`)
  }
  const bad = checks.filter(c => c.status === 'fail' || c.status === 'warn').length
  out.push(bad ? `\n${bad} problem${bad === 1 ? '' : 's'} found.` : '\nall is well.')
  return out.join('\n') + '\n'
}
