// doctor's text: every problem with its fix, and the verdict line.
import t from 'tap'
import type { Check } from '../../../src/cli/doctor/check.js'
import { renderChecks } from '../../../src/cli/doctor/render.js'

const c = (id: string, status: Check['status'], fix: string[] = [], details: string[] = []): Check => ({ id, status, summary: `${id} summary`, details, fix })

t.test('text output: status, id, details and fixes', async t => {
  const out = renderChecks(
    [c('binary', 'ok'), c('expiry', 'fail', ['rotate x'], ['x expired']), c('helper', 'warn', ['git-credential-pat setup']), c('keychain-records', 'skip')],
    false,
  )
  t.equal(
    out,
    [
      'ok    binary: binary summary',
      'FAIL  expiry: expiry summary',
      '        x expired',
      '        fix: rotate x',
      'WARN  helper: helper summary',
      '        fix: git-credential-pat setup',
      'skip  keychain-records: keychain-records summary',
      '',
      '2 problems found.',
      '',
    ].join('\n'),
  )
  t.match(renderChecks([c('a', 'ok')], false), /\nall is well\.\n$/)
  t.match(renderChecks([c('a', 'fail')], true), /\x1b\[31mFAIL/, 'colour when asked')
})
