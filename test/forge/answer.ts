// Reading answers (src/forge/answer.ts): what GitLab's and GitHub's readers share.
import t from 'tap'
import { headerText, json, otherStatus } from '../../src/forge/answer.js'

t.test('json: objects only', async t => {
  t.same(json('{"a":1}'), { a: 1 })
  t.equal(json('[1]'), null)
  t.equal(json('null'), null)
  t.equal(json('<html>'), null)
})

t.test('headerText: the first of a repeated header', async t => {
  t.equal(headerText(['a', 'b']), 'a')
  t.equal(headerText('a'), 'a')
  t.equal(headerText(undefined), undefined)
})

t.test('otherStatus', async t => {
  const a = (status: number) => ({ status, headers: {}, body: '' })
  t.match(otherStatus('GitLab', a(301), 'u', ''), { verdict: 'unknown', message: /redirects \(301\); not followed/ })
  t.match(otherStatus('GitLab', a(404), 'u', ''), { verdict: 'unknown', message: /no GitLab token API at u \(404\)/ })
  t.match(otherStatus('GitHub', a(200), 'u', ''), { verdict: 'unknown', message: "u answered 200 but not with GitHub's JSON" })
  t.match(otherStatus('GitHub', a(503), 'u', 'x'.repeat(300)), { message: `GitHub answered 503: ${'x'.repeat(200)}; try again later` })
})
