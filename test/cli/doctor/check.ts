// doctor's verdict: all is well when nothing failed or warned; exit status 1 only when a check failed.
import t from 'tap'
import { allWell, check, noneFailed } from '../../../src/cli/doctor/check.js'

t.test('allWell: ok and skipped checks only', async t => {
  t.ok(allWell([check('a', 'ok', 'a'), check('b', 'skip', 'b')]))
  t.notOk(allWell([check('a', 'ok', 'a'), check('b', 'warn', 'b')]))
  t.notOk(allWell([check('a', 'fail', 'a')]))
})

t.test('check: details and fixes default to none', async t => {
  t.same(check('x', 'ok', 'fine'), { id: 'x', status: 'ok', summary: 'fine', details: [], fix: [] })
})

t.test('noneFailed: warnings do not fail doctor', async t => {
  t.ok(noneFailed([check('a', 'ok', 'a'), check('b', 'warn', 'b'), check('c', 'skip', 'c')]))
  t.notOk(noneFailed([check('a', 'warn', 'a'), check('b', 'fail', 'b')]))
})
