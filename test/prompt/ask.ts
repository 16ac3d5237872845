// The questions on a terminal and over askpass: answers asked again when
// bad, declining, Ctrl-C, and askpass programs that do not take part.
import t from 'tap'
import { askQuestions } from '../../src/prompt/ask.js'
import { makePlan } from '../../src/prompt/plan.js'
import { Cancelled } from '../../src/prompt/tty.js'
import { NOW, cand, cred, fakeIo, tok } from './lib/fixtures.js'

t.test('askQuestions: the whole flow on a terminal', async t => {
  const plan = makePlan(cred('protocol=https\nhost=codeberg.org\npath=me/app.git'), [], { provider: 'gitea', machine: 'm', session: false })!
  const f = fakeIo(['me', 'tok-123', '2027-01-31', '2'])
  const a = await askQuestions(plan, f.io, NOW)
  t.same(a, { username: 'me', secret: 'tok-123', expires: '2027-01-31T00:00:00.000Z', choice: 'group', scope: 'codeberg.org/me/*' })
  t.same(
    f.asked.map(q => q.hidden),
    [false, true, false, false],
    'only the token is hidden',
  )
  t.match(f.asked[0].q, "Username for 'https://codeberg.org/me/app.git'")
  t.match(f.asked[1].q, /Token for .*input hidden/)
  t.match(f.shown[0], 'no token for https://codeberg.org/me/app.git')
  t.match(f.shown[0], 'https://codeberg.org/user/settings/applications')
  t.match(f.shown.join('\n'), /1\) this repository +codeberg\.org\/me\/app/)
  t.notMatch(f.shown.join('\n') + f.asked.map(q => q.q).join('\n'), 'tok-123', 'the token is never shown back')
})

t.test('askQuestions: conventions skip the username; bad answers are asked again', async t => {
  const plan = makePlan(cred('protocol=https\nhost=gitlab.com\npath=g/r'), [], { provider: 'gitlab', machine: 'm', session: false })!
  const f = fakeIo(['has space', 'glpat-x', 'soon', '2020-01-01', '90d', 'banana', ''])
  const a = await askQuestions(plan, f.io, NOW)
  t.same(a, { username: 'oauth2', secret: 'glpat-x', expires: '2026-09-13T00:00:00.000Z', choice: 'host', scope: 'gitlab.com' })
  t.match(f.shown.join('\n'), /spaces or control characters/)
  t.match(f.shown.join('\n'), /in the past/)
  t.notMatch(f.shown.join('\n'), 'has space', 'not even a malformed token is echoed')
  t.equal(f.asked.length, 7)
})

t.test('askQuestions: empty token declines, Ctrl-C cancels', async t => {
  const plan = makePlan(cred('protocol=https\nhost=gitlab.com'), [], { provider: 'gitlab', machine: 'm', session: false })!
  t.equal(await askQuestions(plan, fakeIo(['']).io, NOW), null)
  const err = await askQuestions(plan, fakeIo(['glpat-x', new Cancelled()]).io, NOW).catch(e => e)
  t.ok(err instanceof Cancelled, 'Ctrl-C at the expiry question')
})

t.test('askQuestions over askpass: one line per question, reason and link first', async t => {
  const expired = cand(tok('old', 'gitlab.com', { expires: '2026-06-01T00:00:00.000Z' }), 'expired')
  const plan = makePlan(cred('protocol=https\nhost=gitlab.com\npath=g/r'), [expired], { provider: 'gitlab', machine: 'm', session: false })!
  const f = fakeIo(['y', 'glpat-x', '', 'repo'], 'askpass')
  const a = await askQuestions(plan, f.io, NOW)
  t.same(a, { username: 'oauth2', secret: 'glpat-x', expires: null, choice: 'repo', scope: 'gitlab.com/g/r' })
  t.ok(
    f.asked.every(q => !q.q.includes('\n')),
    'single-line questions',
  )
  t.match(f.asked[0].q, "no usable token for https://gitlab.com/g/r: token 'old' expired on 2026-06-01")
  t.match(f.asked[0].q, 'https://gitlab.com/-/user_settings/personal_access_tokens?name=old&', 'renewing: the link carries the token name')
  t.match(f.asked[1].q, /^Token for 'https:\/\/gitlab\.com\/g\/r' \(create one at https:/)
  t.match(f.asked[3].q, /1\) this repository gitlab\.com\/g\/r, 2\) the group/)
  t.same(f.shown, [], 'nothing on stderr')
})

t.test('askQuestions over askpass: a program that does not understand us is left alone', async t => {
  const plan = makePlan(cred('protocol=https\nhost=example.com'), [], { provider: 'generic', machine: 'm', session: false })!
  // git's t0303 askpass answers `askpass-<first word>` to everything.
  const dumb = fakeIo(['askpass-gitcredentialpat'], 'askpass')
  t.equal(await askQuestions(plan, dumb.io, NOW), 'silent')
  t.equal(dumb.asked.length, 1, 'one probe, then nothing')
  t.same(dumb.shown, [])
  const failing = fakeIo([new Error('exit 1')], 'askpass')
  t.equal(await askQuestions(plan, failing.io, NOW), 'silent', 'a failing askpass too')
  const no = fakeIo(['n'], 'askpass')
  t.equal(await askQuestions(plan, no.io, NOW), null, 'n: the user declines')
  const yes = fakeIo(['', 'me', 'tok', '', '1'], 'askpass')
  t.same(await askQuestions(plan, yes.io, NOW), { username: 'me', secret: 'tok', expires: null, choice: 'host', scope: 'example.com' }, 'empty = yes')
})
