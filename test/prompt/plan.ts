// What the prompt asks, worked out before asking: why, where to create a
// token, and how an answer becomes a scope.
import t from 'tap'
import { makePlan, parseChoice, reasons, scopeFor } from '../../src/prompt/plan.js'
import { parseScope } from '../../src/core/scope.js'
import { cand, cred, tok } from './lib/fixtures.js'

t.test('reasons say why we ask', async t => {
  t.same(reasons([], 'https://h/x'), ['no token for https://h/x'])
  const r = reasons(
    [
      cand(tok('old', 'h', { expires: '2026-06-01T00:00:00.000Z' }), 'expired'),
      cand(tok('bad', 'h', { state: 'rejected', rejected: { at: '2026-06-10T08:00:00.000Z', url: 'https://h/x' } }), 'rejected'),
      cand(tok('off', 'h', { state: 'disabled' }), 'disabled'),
    ],
    'https://h/x',
  ).join('\n')
  t.match(r, /no usable token for https:\/\/h\/x/)
  t.match(r, "token 'old' expired on 2026-06-01")
  t.match(r, "token 'bad' was rejected by the server on 2026-06-10")
  t.match(r, "token 'off' is disabled")
})

t.test('scopeFor: repository, group, host', async t => {
  const base = { ...parseScope('gitlab.com/group/sub/app'), username: undefined }
  t.same(scopeFor('repo', base)?.path, ['group', 'sub', 'app'])
  t.same(scopeFor('group', base), { ...base, path: ['group', 'sub'], wildcard: true })
  t.same(scopeFor('host', base)?.path, [])
  t.equal(scopeFor('session', base), null)
  const host = parseScope('gitlab.com')
  t.equal(scopeFor('repo', host), null, 'no path: no repository choice')
  t.equal(scopeFor('group', parseScope('gitlab.com/app')), null, 'one segment: no group')
})

t.test('makePlan: link, name, username convention, choices', async t => {
  const gl = makePlan(cred('protocol=https\nhost=gitlab.example.com:8443\npath=team/app.git'), [], { provider: 'gitlab', machine: 'box.lan', session: false })!
  t.equal(gl.url, 'https://gitlab.example.com:8443/team/app.git')
  t.equal(gl.name, 'gitlab.example.com-box')
  t.equal(gl.link, 'https://gitlab.example.com:8443/-/user_settings/personal_access_tokens?name=gitlab.example.com-box&scopes=read_repository,write_repository')
  t.equal(gl.username, 'oauth2')
  t.same(
    gl.choices.map(c => [c.choice, c.scope]),
    [
      ['repo', 'gitlab.example.com:8443/team/app'],
      ['group', 'gitlab.example.com:8443/team/*'],
      ['host', 'gitlab.example.com:8443'],
      ['session', undefined],
      ['none', undefined],
    ],
  )
  t.equal(gl.defaultChoice, 'host')

  const plainHttp = makePlan(cred('protocol=http\nhost=127.0.0.1:8080'), [], { provider: 'gitlab', machine: 'm', session: true })!
  t.match(plainHttp.link, /^http:\/\/127\.0\.0\.1:8080\/-\/user_settings/, 'an http forge gets an http link')
  t.same(
    plainHttp.choices.map(c => c.choice),
    ['host', 'session', 'none'],
    'no path, no repository or group choice',
  )
  t.same(plainHttp.choices.find(c => c.choice === 'host')?.scope, 'http://127.0.0.1:8080')

  const gh = makePlan(cred('protocol=https\nhost=github.com'), [], { provider: 'github', machine: 'm', session: false })!
  t.equal(gh.link, 'https://github.com/settings/tokens/new?description=github.com-m&scopes=repo')
  t.match(gh.extraLinks[0], 'https://github.com/settings/personal-access-tokens/new')
  t.equal(gh.username, 'x-access-token')

  const gitea = makePlan(cred('protocol=https\nhost=codeberg.org\npath=me/x'), [], { provider: 'gitea', machine: 'm', session: false })!
  t.equal(gitea.username, undefined, 'gitea needs the account name')
  t.equal(gitea.link, 'https://codeberg.org/user/settings/applications')
  const named = makePlan(cred('protocol=https\nhost=codeberg.org\nusername=me'), [], { provider: 'gitea', machine: 'm', session: false })!
  t.equal(named.username, 'me', 'unless git sent one')
  const tokenUser = 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'
  const inUrl = makePlan(cred(`protocol=https\nhost=github.com\nusername=${tokenUser}`), [], { provider: 'github', machine: 'm', session: false })!
  t.equal(inUrl.username, 'x-access-token', "a token given as the URL's user: the convention instead")
  const noConvention = makePlan(cred(`protocol=https\nhost=codeberg.org\nusername=${tokenUser}`), [], { provider: 'gitea', machine: 'm', session: false })!
  t.equal(noConvention.username, undefined, 'no convention: asked for, never the token')

  const bb = makePlan(cred('protocol=https\nhost=bitbucket.org\npath=ws/repo.git'), [], { provider: 'bitbucket', machine: 'm', session: false })!
  t.equal(bb.username, 'x-token-auth')
  t.equal(bb.defaultChoice, 'repo', 'repository tokens are the norm on Bitbucket')
  t.equal(bb.link, 'https://bitbucket.org/ws/repo/admin/access-tokens')

  const lp = makePlan(cred('protocol=https\nhost=git.launchpad.net\npath=~me/proj/+git/repo'), [], { provider: 'launchpad', machine: 'm', session: false })!
  t.equal(lp.link, 'https://code.launchpad.net/~me/proj/+git/repo/+access-tokens')

  const generic = makePlan(cred('protocol=https\nhost=git.example.com'), [], { provider: 'generic', machine: 'm', session: false })!
  t.equal(generic.link, undefined, 'no token page for generic forges')
})

t.test('parseChoice: numbers, words, the default', async t => {
  const plan = makePlan(cred('protocol=https\nhost=gitlab.com\npath=g/r'), [], { provider: 'gitlab', machine: 'm', session: true })!
  t.equal(parseChoice('', plan), 'host')
  t.equal(parseChoice('1', plan), 'repo')
  t.equal(parseChoice('2', plan), 'group')
  t.equal(parseChoice(' 5 ', plan), 'none')
  t.equal(parseChoice('9', plan), undefined)
  t.equal(parseChoice('Group', plan), 'group')
  t.equal(parseChoice('this repository', plan), 'repo')
  t.equal(parseChoice('no', plan), 'none')
  t.equal(parseChoice('session', plan), 'session')
  t.equal(parseChoice('banana', plan), undefined)
  t.equal(plan.choices.find(c => c.choice === 'session')?.scope, 'gitlab.com', 'a session token covers what the default covers')
  const hostOnly = makePlan(cred('protocol=https\nhost=gitlab.com'), [], { provider: 'gitlab', machine: 'm', session: true })!
  t.equal(parseChoice('repo', hostOnly), undefined, 'not offered without a path')
})

t.test('renewing: the default keeps the expired or rejected token its name and scope', async t => {
  const opts = { provider: 'gitlab' as const, machine: 'box.lan', session: true }
  const url = 'protocol=https\nhost=gitlab.com\npath=team/sub/app.git'
  // Its scope is one of the choices: that choice is the default, with the token's name.
  const group = makePlan(cred(url), [cand(tok('team-ci', 'gitlab.com/team/sub/*', { expires: '2026-06-01T00:00:00.000Z' }), 'expired')], opts)!
  t.equal(group.defaultChoice, 'group', 'not the whole host')
  t.equal(parseChoice('', group), 'group')
  t.same(group.renew, { name: 'team-ci', scope: 'gitlab.com/team/sub/*' })
  t.equal(group.name, 'team-ci')
  t.match(group.link, 'personal_access_tokens?name=team-ci&', 'the prefilled link carries its name')
  const g = group.choices.find(c => c.choice === 'group')!
  t.same([g.label, g.name], ["the group (renews 'team-ci')", 'team-ci'])
  t.equal(group.choices.find(c => c.choice === 'session')?.scope, 'gitlab.com/team/sub/*', 'a session token covers the renewed scope')
  // A parent group is none of repository, group and host: offered first, as the default.
  const parent = makePlan(cred(url), [cand(tok('team', 'gitlab.com/team/*', { state: 'rejected' }), 'rejected')], opts)!
  t.same(parent.choices[0], { choice: 'renew', label: "renew 'team'", scope: 'gitlab.com/team/*', name: 'team' })
  t.equal(parent.defaultChoice, 'renew')
  t.equal(parseChoice('renew', parent), 'renew')
  t.equal(parseChoice('4', parent), 'host', 'the others keep their order after it')
  // The username the token was sent with is kept (gitea needs the account name).
  const gitea = makePlan(
    cred('protocol=https\nhost=codeberg.org\npath=me/x'),
    [cand(tok('cb', 'codeberg.org', { username: 'me', expires: '2026-06-01T00:00:00.000Z' }), 'expired')],
    {
      ...opts,
      provider: 'gitea',
    },
  )!
  t.equal(gitea.username, 'me')
  t.equal(gitea.defaultChoice, 'host')
  // Not renewed: a disabled token (the user turned it off), or a secret that is not ours (env:).
  for (const c of [
    cand(tok('off', 'gitlab.com', { state: 'disabled' }), 'disabled'),
    cand(tok('ci', 'gitlab.com', { source: 'env:CI_TOKEN', expires: '2026-06-01T00:00:00.000Z' }), 'expired'),
  ]) {
    const p = makePlan(cred(url), [c], opts)!
    t.equal(p.renew, undefined, c.token.name)
    t.equal(p.defaultChoice, 'host')
    t.equal(p.name, 'gitlab.com-box')
  }
})

t.test('a token awaiting its secret (import) is renewed like an expired one, and the reason says so', async t => {
  const opts = { provider: 'gitlab' as const, machine: 'box.lan', session: true }
  const url = 'protocol=https\nhost=gitlab.com\npath=team/sub/app.git'
  const p = makePlan(cred(url), [cand(tok('team-ci', 'gitlab.com/team/sub/*', { awaitingSecret: true }))], opts)!
  t.same(p.renew, { name: 'team-ci', scope: 'gitlab.com/team/sub/*' })
  t.equal(p.defaultChoice, 'group')
  t.match(p.reasons.join('\n'), "token 'team-ci' awaits its secret (imported without one)")
  // A token whose secret could not be read for another reason is not renewed by the prompt.
  const unread = makePlan(cred(url), [cand(tok('team-ci', 'gitlab.com/team/sub/*'))], opts)!
  t.equal(unread.renew, undefined)
  t.match(unread.reasons.join('\n'), "token 'team-ci' could not be read")
})

t.test('names follow the chosen scope, as add names them', async t => {
  const p = makePlan(cred('protocol=https\nhost=gitlab.com:8443\npath=team/app.git'), [], { provider: 'gitlab', machine: 'box.lan', session: false })!
  t.same(
    p.choices.filter(c => c.scope).map(c => [c.choice, c.name]),
    [
      ['repo', 'gitlab.com-team-app-box'],
      ['group', 'gitlab.com-team-box'],
      ['host', 'gitlab.com-box'],
    ],
  )
})

t.test('likely causes are named in the reasons', async t => {
  const r = reasons([], 'http://h/x', ["token 'sec' (h): its scope is https only"])
  t.same(r, ['no token for http://h/x:', "  likely cause: token 'sec' (h): its scope is https only"])
  const p = makePlan(cred('protocol=http\nhost=h'), [], { provider: 'generic', machine: 'm', session: false, causes: ['one', 'two', 'three', 'four'] })!
  t.same(p.reasons.slice(1), ['  likely cause: one', '  likely cause: two', '  likely cause: three'], 'at most three')
})
