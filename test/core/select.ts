// Choosing tokens for a request: most specific scope first,
// then usable before unusable, then the latest expiry (known before unknown).
// Expired, disabled and rejected tokens are flagged and never usable.
import t from 'tap'
import { candidates, mayCover, isExpired, scopeOf, usable } from '../../src/core/select.js'
import { formatScope, parseScope, targetOf, type Target } from '../../src/core/scope.js'
import type { TokenRecord } from '../../src/state/tokens.js'
import { tokenRecord } from '../lib/token.js'

const NOW = new Date('2026-06-15T12:00:00Z')
const FUTURE = '2026-12-01T00:00:00.000Z'
const LATER = '2027-06-01T00:00:00.000Z'
const PAST = '2026-06-01T00:00:00.000Z'

const tok = (name: string, scope: string, extra: Partial<TokenRecord> = {}): TokenRecord =>
  tokenRecord({ name, scope: formatScope(parseScope(scope)), ...extra })

function target(req: { protocol?: string; host?: string; path?: string; username?: string }): Target {
  const x = targetOf(req)
  if (!x) throw new Error(`unusable request ${JSON.stringify(req)}`)
  return x
}

const names = (cs: Array<{ token: TokenRecord }>) => cs.map(c => c.token.name)

t.test('only covering tokens are candidates (table)', async t => {
  const tokens = [
    tok('host', 'gitlab.com'),
    tok('host-8443', 'gitlab.com:8443'),
    tok('http-host', 'http://gitlab.com'),
    tok('evil', 'gitlab.com.evil.net'),
    tok('evil2', 'evilgitlab.com'),
    tok('group', 'gitlab.com/group/*'),
    tok('groupie', 'gitlab.com/groupie/*'),
    tok('repo', 'gitlab.com/group/repo'),
    tok('fork', 'gitlab.com/group/repo-fork'),
    tok('v6', '[::1]:8080'),
    tok('v6-repo', '[::1]:8080/group/repo'),
  ]
  const cases: Array<[string, Parameters<typeof target>[0], string[]]> = [
    ['host only', { protocol: 'https', host: 'gitlab.com' }, ['host']],
    ['uppercase host', { protocol: 'https', host: 'GitLab.COM' }, ['host']],
    ['explicit :443', { protocol: 'https', host: 'gitlab.com:443' }, ['host']],
    ['port 8443', { protocol: 'https', host: 'gitlab.com:8443', path: 'group/repo' }, ['host-8443']],
    ['http', { protocol: 'http', host: 'gitlab.com', path: 'group/repo' }, ['http-host']],
    ['http :80', { protocol: 'http', host: 'gitlab.com:80' }, ['http-host']],
    ['suffix host', { protocol: 'https', host: 'gitlab.com.evil.net', path: 'group/repo' }, ['evil']],
    ['prefix host', { protocol: 'https', host: 'evilgitlab.com' }, ['evil2']],
    ['exact repo', { protocol: 'https', host: 'gitlab.com', path: 'group/repo.git' }, ['repo', 'group', 'host']],
    ['repo with slash', { protocol: 'https', host: 'gitlab.com', path: 'group/repo/' }, ['repo', 'group', 'host']],
    ['fork', { protocol: 'https', host: 'gitlab.com', path: 'group/repo-fork' }, ['fork', 'group', 'host']],
    ['other repo in group', { protocol: 'https', host: 'gitlab.com', path: 'group/other' }, ['group', 'host']],
    ['deep in group', { protocol: 'https', host: 'gitlab.com', path: 'group/sub/deep' }, ['group', 'host']],
    ['the group itself', { protocol: 'https', host: 'gitlab.com', path: 'group' }, ['host']],
    ['groupie', { protocol: 'https', host: 'gitlab.com', path: 'groupie/x' }, ['groupie', 'host']],
    ['encoded path', { protocol: 'https', host: 'gitlab.com', path: 'gr%6Fup/repo' }, ['repo', 'group', 'host']],
    ['encoded slash', { protocol: 'https', host: 'gitlab.com', path: 'group%2Frepo' }, ['host']],
    ['.. path', { protocol: 'https', host: 'gitlab.com', path: 'groupie/../group/repo' }, ['host']],
    ['no path (no useHttpPath)', { protocol: 'https', host: 'gitlab.com' }, ['host']],
    ['IPv6', { protocol: 'https', host: '[::1]:8080', path: 'group/repo' }, ['v6-repo', 'v6']],
    ['IPv6 other port', { protocol: 'https', host: '[::1]:8081', path: 'group/repo' }, []],
    ['no host', { protocol: 'https' }, []],
    ['no protocol', { host: 'gitlab.com' }, []],
  ]
  for (const [why, req, want] of cases) {
    t.same(names(candidates(tokens, target(req), NOW)), want, why)
  }
})

t.test('username filtering', async t => {
  const tokens = [
    tok('alice', 'gitlab.com', { username: 'alice' }),
    tok('bob', 'gitlab.com', { username: 'bob' }),
    tok('bob-repo', 'gitlab.com/group/repo', { username: 'bob' }),
  ]
  t.same(names(usable(tokens, target({ protocol: 'https', host: 'gitlab.com', username: 'alice' }), NOW)), ['alice'])
  t.same(names(usable(tokens, target({ protocol: 'https', host: 'gitlab.com', path: 'group/repo', username: 'alice' }), NOW)), ['alice'])
  t.same(names(usable(tokens, target({ protocol: 'https', host: 'gitlab.com', path: 'group/repo', username: 'bob' }), NOW)), ['bob-repo', 'bob'])
  t.same(names(usable(tokens, target({ protocol: 'https', host: 'gitlab.com', username: 'carol' }), NOW)), [])
  t.same(names(usable(tokens, target({ protocol: 'https', host: 'gitlab.com', username: 'Alice' }), NOW)), [], 'usernames compare exactly')
  t.same(names(usable(tokens, target({ protocol: 'https', host: 'gitlab.com', username: '' }), NOW)), [], 'an empty username is a username')
  const any = names(usable(tokens, target({ protocol: 'https', host: 'gitlab.com' }), NOW))
  t.same(any.sort(), ['alice', 'bob'], 'no username sent: every user')
})

t.test('most specific wins: exact repo > longer prefix > shorter prefix > host', async t => {
  // listed in the worst order on purpose
  const tokens = [
    tok('host', 'gitlab.com', { expires: LATER }),
    tok('group', 'gitlab.com/group/*', { expires: PAST.replace('2026-06-01', '2026-07-01') }),
    tok('sub', 'gitlab.com/group/sub/*'),
    tok('exact', 'gitlab.com/group/sub/repo', { expires: '2026-06-20T00:00:00.000Z' }),
  ]
  const req = target({ protocol: 'https', host: 'gitlab.com', path: 'group/sub/repo.git' })
  t.same(names(usable(tokens, req, NOW)), ['exact', 'sub', 'group', 'host'], 'specificity beats expiry')
  t.same(names(usable([...tokens].reverse(), req, NOW)), ['exact', 'sub', 'group', 'host'], 'independent of input order')
  const ranks = candidates(tokens, req, NOW).map(c => c.rank)
  t.ok(ranks[0] > ranks[1] && ranks[1] > ranks[2] && ranks[2] > ranks[3], `strictly decreasing ranks ${ranks}`)
})

t.test('a more specific token is still tried first even if a broader one expires later', async t => {
  const tokens = [tok('host', 'gitlab.com', { expires: LATER }), tok('repo', 'gitlab.com/group/repo', { expires: FUTURE })]
  t.same(names(usable(tokens, target({ protocol: 'https', host: 'gitlab.com', path: 'group/repo' }), NOW)), ['repo', 'host'])
})

t.test('within a rank: usable before unusable', async t => {
  const tokens = [
    tok('expired', 'gitlab.com', { expires: PAST }),
    tok('disabled', 'gitlab.com', { state: 'disabled', expires: LATER }),
    tok('rejected', 'gitlab.com', { state: 'rejected', expires: LATER, rejected: { at: PAST, url: 'https://gitlab.com/x' } }),
    tok('good', 'gitlab.com', { expires: FUTURE }),
  ]
  const req = target({ protocol: 'https', host: 'gitlab.com' })
  const all = candidates(tokens, req, NOW)
  t.equal(all[0].token.name, 'good', 'the usable one first')
  t.equal(all[0].unusable, undefined)
  const why = Object.fromEntries(all.map(c => [c.token.name, c.unusable]))
  t.same(why, { good: undefined, expired: 'expired', disabled: 'disabled', rejected: 'rejected' }, 'flags')
  t.same(names(usable(tokens, req, NOW)), ['good'], 'usable() excludes expired, disabled and rejected')
  t.same(
    names(
      usable(
        tokens.filter(x => x.name !== 'good'),
        req,
        NOW,
      ),
    ),
    [],
    'nothing usable: nothing returned',
  )
})

t.test('an unusable exact-repo token is not hidden behind usable host tokens in candidates()', async t => {
  const tokens = [tok('host', 'gitlab.com'), tok('repo', 'gitlab.com/group/repo', { expires: PAST })]
  const req = target({ protocol: 'https', host: 'gitlab.com', path: 'group/repo' })
  const all = candidates(tokens, req, NOW)
  t.same(names(all), ['repo', 'host'], 'rank first, so get can say that the repo token expired')
  t.equal(all[0].unusable, 'expired')
  t.same(names(usable(tokens, req, NOW)), ['host'], 'and falls through to the host token')
})

t.test('then latest expiry, a known expiry before an unknown one', async t => {
  const tokens = [
    tok('unknown', 'gitlab.com', { expires: null }),
    tok('soon', 'gitlab.com', { expires: '2026-06-20T00:00:00.000Z' }),
    tok('later', 'gitlab.com', { expires: LATER }),
    tok('mid', 'gitlab.com', { expires: FUTURE }),
  ]
  t.same(names(usable(tokens, target({ protocol: 'https', host: 'gitlab.com' }), NOW)), ['later', 'mid', 'soon', 'unknown'])
})

t.test('then the most recently created', async t => {
  const tokens = [
    tok('old', 'gitlab.com', { created: '2025-01-01T00:00:00.000Z' }),
    tok('new', 'gitlab.com', { created: '2026-05-01T00:00:00.000Z' }),
    tok('mid', 'gitlab.com', { created: '2025-09-01T00:00:00.000Z' }),
  ]
  t.same(names(usable(tokens, target({ protocol: 'https', host: 'gitlab.com' }), NOW)), ['new', 'mid', 'old'])
})

t.test('isExpired: a token stops working at its expiry instant', async t => {
  const at = (expires: string | null) => tok('x', 'gitlab.com', { expires })
  t.equal(isExpired(at(null), NOW), false, 'unknown expiry is not expired')
  t.equal(isExpired(at('2026-06-15T12:00:00.000Z'), NOW), true, 'exactly now: expired')
  t.equal(isExpired(at('2026-06-15T12:00:00.001Z'), NOW), false, 'a millisecond later: not yet')
  t.equal(isExpired(at('2026-06-15T00:00:00.000Z'), NOW), true, 'today at 00:00 UTC: expired')
  t.equal(isExpired(at('2026-06-16T00:00:00.000Z'), NOW), false, 'tomorrow: not yet')
  const tokens = [tok('today', 'gitlab.com', { expires: '2026-06-15T00:00:00.000Z' })]
  t.same(names(usable(tokens, target({ protocol: 'https', host: 'gitlab.com' }), NOW)), [], 'a token expiring today is never sent')
})

t.test('a path-scoped token needs git to send a path', async t => {
  const tokens = [tok('repo', 'gitlab.com/group/repo'), tok('group', 'gitlab.com/group/*')]
  t.same(names(usable(tokens, target({ protocol: 'https', host: 'gitlab.com' }), NOW)), [])
  t.same(names(usable(tokens, target({ protocol: 'https', host: 'gitlab.com', path: 'group/repo' }), NOW)), ['repo', 'group'])
})

t.test('http tokens only where the scope says http://', async t => {
  const tokens = [tok('https', 'gitlab.com'), tok('http', 'http://gitlab.com')]
  t.same(names(usable(tokens, target({ protocol: 'http', host: 'gitlab.com' }), NOW)), ['http'])
  t.same(names(usable(tokens, target({ protocol: 'https', host: 'gitlab.com' }), NOW)), ['https'])
})

t.test('scopes stored in other spellings still select correctly', async t => {
  // Metadata is hand-editable; a scope text that parses must behave as its canonical form.
  const raw = (name: string, scope: string): TokenRecord => ({ ...tok(name, 'gitlab.com'), scope })
  const tokens = [
    raw('url', 'https://gitlab.com/group/repo.git'),
    raw('upper', 'GitLab.COM/group/*'),
    raw('port', 'gitlab.com:443'),
    raw('user', 'https://oauth2@gitlab.com/group/repo'),
    raw('evil', 'https://gitlab.com.evil.net'),
    raw('broken', 'git@gitlab.com:group/repo.git'),
    raw('dot', 'gitlab.com./group/*'),
    raw('upper-url', 'HTTPS://GitLab.com'),
    raw('http-url', 'HTTP://gitlab.com'),
    raw('evil-user', 'https://gitlab.com@evil.example'),
  ]
  const got = names(usable(tokens, target({ protocol: 'https', host: 'gitlab.com', path: 'group/repo' }), NOW))
  t.same(got.slice(0, 2).sort(), ['url', 'user'], 'exact repo tokens first')
  t.same(got.slice(2, 4).sort(), ['dot', 'upper'], 'then the groups')
  t.same(got.slice(4).sort(), ['port', 'upper-url'], 'then the host')
  t.equal(scopeOf(tokens[5]), null, 'an unparsable scope matches nothing')
  t.same(names(usable(tokens, target({ protocol: 'http', host: 'gitlab.com' }), NOW)), ['http-url'], 'HTTP:// is http')
  t.same(names(usable(tokens, target({ protocol: 'https', host: 'evil.example' }), NOW)), ['evil-user'], 'user@ is not the host')
})

t.test('many tokens: only the right host is considered', async t => {
  const tokens: TokenRecord[] = []
  for (let i = 0; i < 2000; i++) tokens.push(tok(`t${i}`, `host${i}.example.com`))
  tokens.push(tok('want', 'host7.example.com/group/*'))
  t.same(names(usable(tokens, target({ protocol: 'https', host: 'host7.example.com', path: 'group/x' }), NOW)), ['want', 't7'])
})

t.test('mayCover: a cheap test that never rules out a scope that can match', async t => {
  const noPath = { protocol: 'https', host: 'gitlab.com' }
  const withPath = { ...noPath, path: ['group', 'a'] }
  t.equal(mayCover('gitlab.com', noPath), true)
  t.equal(mayCover('gitlab.com/group/*', noPath), false, 'a path scope needs a path from git')
  t.equal(mayCover('gitlab.com/group/*', withPath), true)
  t.equal(mayCover('http://gitlab.com:8080', noPath), true, "port and protocol are specificity()'s to judge")
  t.equal(mayCover('github.com', noPath), false, 'another host')
  t.equal(mayCover('gitlab.com.evil.net', noPath), false)
  t.equal(mayCover('https://GitLab.com/x', noPath), true, 'not canonical: left to the parser')
  for (const [scope, target] of [
    ['gitlab.com', noPath],
    ['gitlab.com/group/*', withPath],
    ['gitlab.com/group/a', withPath],
  ] as const) {
    const c = candidates([tok('x', scope)], target, new Date('2026-06-01'))
    t.equal(c.length, 1, `${scope} still matches`)
  }
})
