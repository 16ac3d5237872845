// doctor's verdict: exit status 0 only when no check failed or warned.
import t from 'tap'
import { allWell, check } from '../../../src/cli/doctor/check.js'

t.test('allWell: ok and skipped checks only', async t => {
  t.ok(allWell([check('a', 'ok', 'a'), check('b', 'skip', 'b')]))
  t.notOk(allWell([check('a', 'ok', 'a'), check('b', 'warn', 'b')]))
  t.notOk(allWell([check('a', 'fail', 'a')]))
})

t.test('check: details and fixes default to none', async t => {
  t.same(check('x', 'ok', 'fine'), { id: 'x', status: 'ok', summary: 'fine', details: [], fix: [] })
})
