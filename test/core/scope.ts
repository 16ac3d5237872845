// Scopes: parsing, canonical text, and matching what git asks for.
// Every row here is a security property: a wrong answer sends a token to a
// host, port, protocol or path it was not scoped to.
import t from 'tap'
import { eraseMatches, formatScope, normalisePath, originOf, parseScope, specificity, targetOf, type Scope, type Target } from '../../src/core/scope.js'
import { PatError } from '../../src/errors.js'

interface Req {
  protocol?: string
  host?: string
  path?: string
  username?: string
}

const https = (host: string, path?: string): Req => (path === undefined ? { protocol: 'https', host } : { protocol: 'https', host, path })
const http = (host: string, path?: string): Req => (path === undefined ? { protocol: 'http', host } : { protocol: 'http', host, path })

/** Does a token with this scope cover this `get` request? */
function covers(scopeText: string, req: Req): boolean {
  const target = targetOf(req)
  if (!target) return false
  return specificity(parseScope(scopeText), target) >= 0
}

t.test('parseScope', async t => {
  const ok: Array<[string, Partial<Scope> & { username?: string }]> = [
    ['gitlab.com', { protocol: 'https', host: 'gitlab.com', port: undefined, path: [], wildcard: false }],
    ['GitLab.COM', { protocol: 'https', host: 'gitlab.com', port: undefined, path: [] }],
    ['  gitlab.com  ', { host: 'gitlab.com', path: [] }],
    ['gitlab.com.', { host: 'gitlab.com' }],
    ['https://gitlab.com', { protocol: 'https', host: 'gitlab.com', port: undefined }],
    ['HTTPS://gitlab.com', { protocol: 'https', host: 'gitlab.com' }],
    ['gitlab.com:443', { protocol: 'https', port: undefined }],
    ['gitlab.com:8443', { protocol: 'https', port: 8443 }],
    ['http://gitlab.com', { protocol: 'http', port: undefined }],
    ['http://gitlab.com:80', { protocol: 'http', port: undefined }],
    ['http://gitlab.com:443', { protocol: 'http', port: 443 }],
    ['https://gitlab.com:80', { protocol: 'https', port: 80 }],
    ['gitlab.com/group/*', { path: ['group'], wildcard: true }],
    ['gitlab.com/group/sub/*', { path: ['group', 'sub'], wildcard: true }],
    ['gitlab.com/*', { path: [], wildcard: false }],
    ['gitlab.com/', { path: [], wildcard: false }],
    ['gitlab.com/group', { path: ['group'], wildcard: false }],
    ['gitlab.com/group/repo', { path: ['group', 'repo'], wildcard: false }],
    ['gitlab.com/group/repo.git', { path: ['group', 'repo'], wildcard: false }],
    ['gitlab.com/group/repo/', { path: ['group', 'repo'], wildcard: false }],
    ['gitlab.com/group/repo.git/', { path: ['group', 'repo'] }],
    ['gitlab.com//group//repo', { path: ['group', 'repo'] }],
    ['gitlab.com/group/./repo', { path: ['group', 'repo'] }],
    ['gitlab.com/gr%6Fup/repo', { path: ['group', 'repo'] }],
    ['gitlab.com/Group/Repo', { host: 'gitlab.com', path: ['Group', 'Repo'] }],
    [
      'https://alice@gitlab.com/group/repo.git',
      { protocol: 'https', host: 'gitlab.com', port: undefined, path: ['group', 'repo'], wildcard: false, username: 'alice' },
    ],
    ['https://alice:s3cret@gitlab.com:8443/group/repo.git', { host: 'gitlab.com', port: 8443, path: ['group', 'repo'], username: 'alice' }],
    ['https://al%69ce@gitlab.com/x', { username: 'alice', path: ['x'] }],
    ['https://gitlab.com/group/repo.git?ref=main#readme', { path: ['group', 'repo'] }],
    ['http://127.0.0.1:8080/x', { protocol: 'http', host: '127.0.0.1', port: 8080, path: ['x'] }],
    ['[::1]:8080', { host: '[::1]', port: 8080, path: [] }],
    ['https://[::1]:8080/group/repo.git', { host: '[::1]', port: 8080, path: ['group', 'repo'] }],
    ['[2001:DB8::1]', { host: '[2001:db8::1]', port: undefined }],
    ['git.example_corp.com', { host: 'git.example_corp.com' }],
  ]
  for (const [input, want] of ok) {
    const s = parseScope(input)
    t.match(s, want, `parseScope(${JSON.stringify(input)})`)
    if ('username' in want) t.equal(s.username, want.username, `${input}: username`)
    else t.equal(s.username, undefined, `${input}: no username`)
    if ('port' in want) t.equal(s.port, want.port, `${input}: port`)
    if (want.path) t.same(s.path, want.path, `${input}: path exactly`)
  }

  const bad: Array<[string, RegExp]> = [
    ['git@gitlab.com:group/repo.git', /SSH/],
    ['alice@gitlab.com:group', /SSH/],
    ['ssh://git@gitlab.com/group/repo.git', /only http/],
    ['git://gitlab.com/group/repo.git', /only http/],
    ['file:///etc/passwd', /only http/],
    ['gitlab.com:group/repo', /no valid host/],
    ['', /no valid host/],
    ['gitlab.com:0', /bad port/],
    ['gitlab.com:65536', /bad port/],
    ['gitlab.com:84a3', /no valid host/],
    ['gitlab.com:443:443', /no valid host/],
    ['*.gitlab.com', /not a valid host/],
    ['gitlab..com', /not a valid host/],
    ['-gitlab.com', /not a valid host/],
    ['git lab.com', /not a valid host/],
    ['gitl%61b.com', /not a valid host/],
    ['[::1', /no valid host/],
    ['[fe80::1%25eth0]', /no valid host/],
    ['gitlab.com/group/../other', /'\.\.'/],
    ['gitlab.com/group/%2e%2e/other', /'\.\.'/],
    ['gitlab.com/..', /'\.\.'/],
    ['gitlab.com/group%2Frepo', /encoded '\/'/],
    ['gitlab.com/group%2frepo', /encoded '\/'/],
    ['gitlab.com/group%5Crepo', /encoded '\/'/],
    ['gitlab.com/gr%zzoup', /encoded '\/'/],
    ['gitlab.com/group*', /'\*' is only allowed/],
    ['gitlab.com/*/repo', /'\*' is only allowed/],
    ['gitlab.com/group/%2A', /'\*' is only allowed/],
    ['https://%zz@gitlab.com/x', /bad percent-encoding/],
  ]
  for (const [input, why] of bad) {
    t.throws(() => parseScope(input), { name: 'PatError', code: 'SCOPE', message: why }, `refused: ${JSON.stringify(input)}`)
  }
  const err = (() => {
    try {
      parseScope('ssh://git@gitlab.com/x')
    } catch (e) {
      return e
    }
  })()
  t.ok(err instanceof PatError, 'errors are PatErrors')
})

t.test('formatScope gives the canonical text, and it parses back to the same scope', async t => {
  const cases: Array<[string, string]> = [
    ['gitlab.com', 'gitlab.com'],
    ['https://GitLab.COM:443/', 'gitlab.com'],
    ['https://alice:s3cret@gitlab.com/group/repo.git', 'gitlab.com/group/repo'],
    ['gitlab.com/group/repo/', 'gitlab.com/group/repo'],
    ['gitlab.com/gr%6Fup/*', 'gitlab.com/group/*'],
    ['gitlab.com:8443/group', 'gitlab.com:8443/group'],
    ['http://gitlab.com:80/group/sub/*', 'http://gitlab.com/group/sub/*'],
    ['http://gitlab.com:443', 'http://gitlab.com:443'],
    ['[::1]:8080/x.git', '[::1]:8080/x'],
    ['gitlab.com/*', 'gitlab.com'],
  ]
  for (const [input, canonical] of cases) {
    const s = parseScope(input)
    t.equal(formatScope(s), canonical, `formatScope(parseScope(${JSON.stringify(input)}))`)
    const { username: _u, hasPassword: _p, ...plain } = s
    const { username: _v, ...again } = parseScope(formatScope(s))
    t.same(again, plain, `${canonical} parses back to the same scope`)
  }
  t.notMatch(formatScope(parseScope('https://alice:s3cret@gitlab.com/x')), /s3cret|alice/, 'no userinfo in canonical text')

  // Scopes built from what git sent (store) hold decoded segments; their text
  // must not turn into something broader when it is parsed again.
  const built: Scope[] = [
    { protocol: 'https', host: 'gitlab.com', path: ['group', '*'], wildcard: false },
    { protocol: 'https', host: 'gitlab.com', path: ['gr%6Fup', 'repo'], wildcard: false },
    { protocol: 'https', host: 'gitlab.com', path: ['group', 'repo '], wildcard: false },
    { protocol: 'https', host: 'gitlab.com', path: ['100%', 'repo'], wildcard: false },
  ]
  for (const s of built) {
    const text = formatScope(s)
    let back: Scope | null
    try {
      back = parseScope(text)
    } catch {
      back = null // refusing the text is safe: the token then matches nothing
    }
    if (back !== null) {
      t.same(back.path, s.path, `${JSON.stringify(s.path)} → ${text}: same path`)
      t.equal(back.wildcard, false, `${JSON.stringify(s.path)} → ${text}: not a wildcard`)
    } else {
      t.pass(`${JSON.stringify(s.path)} → ${text}: refused`)
    }
  }
})

t.test('originOf', async t => {
  t.equal(originOf(parseScope('gitlab.com/group/repo')), 'https://gitlab.com')
  t.equal(originOf(parseScope('gitlab.com:8443/group/*')), 'https://gitlab.com:8443')
  t.equal(originOf(parseScope('http://gitlab.com:80/x')), 'http://gitlab.com')
  t.equal(originOf(parseScope('[::1]:8080')), 'https://[::1]:8080')
})

t.test('normalisePath', async t => {
  const cases: Array<[string, string[] | null]> = [
    ['', []],
    ['/', []],
    ['group/repo', ['group', 'repo']],
    ['/group/repo/', ['group', 'repo']],
    ['group/repo.git', ['group', 'repo']],
    ['group/repo.git/', ['group', 'repo']],
    ['group.git/repo', ['group.git', 'repo']],
    ['group/repo.github.io', ['group', 'repo.github.io']],
    ['group//repo', ['group', 'repo']],
    ['./group/./repo', ['group', 'repo']],
    ['gr%6Fup/repo', ['group', 'repo']],
    ['gr%6fup/re%70o.git', ['group', 'repo']],
    ['a%20b', ['a b']],
    ['group/..', null],
    ['../group/repo', null],
    ['group/../repo', null],
    ['group/%2E%2E/repo', null],
    ['group/%2e./repo', null],
    ['group%2Frepo', null],
    ['group%2frepo', null],
    ['group%5Crepo', null],
    ['group\\repo', null],
    ['group%00', null],
    ['group%0A/repo', null],
    ['group/re%01po', null],
    ['gr%zzoup', null],
    ['gr%6', null],
  ]
  for (const [input, want] of cases) {
    t.same(normalisePath(input), want, `normalisePath(${JSON.stringify(input)})`)
  }
})

t.test('targetOf', async t => {
  t.same(targetOf({ protocol: 'HTTPS', host: 'GitLab.COM:443', path: 'group/repo.git' }), {
    username: undefined,
    protocol: 'https',
    host: 'gitlab.com',
    port: undefined,
    path: ['group', 'repo'],
  })
  t.same(targetOf({ protocol: 'http', host: 'gitlab.com:80' }), { username: undefined, protocol: 'http', host: 'gitlab.com', port: undefined })
  t.same(targetOf({ protocol: 'http', host: 'gitlab.com:443' }), { username: undefined, protocol: 'http', host: 'gitlab.com', port: 443 })
  t.same(targetOf({ protocol: 'https', host: '[::1]:8080', username: 'bob' }), {
    username: 'bob',
    protocol: 'https',
    host: '[::1]',
    port: 8080,
  })
  t.equal(targetOf({ protocol: 'https', host: 'gitlab.com', path: 'a/../b' })?.path, null, '.. path kept as refused (null)')
  t.equal(targetOf({ protocol: 'https', host: 'gitlab.com' })?.path, undefined, 'no path sent: undefined')
  t.same(targetOf({ protocol: 'https', host: 'gitlab.com', path: 'group/repo?x=1' })?.path, ['group', 'repo'], 'query dropped')
  t.equal(targetOf({ protocol: 'https', host: 'gitlab.com:8443:1' }), null, 'unusable host → null')
  t.equal(targetOf({ protocol: 'https', host: 'alice@gitlab.com' }), null, 'host with userinfo → null')
  t.equal(targetOf({ protocol: 'https', host: 'gitlab.com/x' }), null, 'host with a slash → null')
  t.same(targetOf({}), { username: undefined }, 'nothing sent: nothing set')
})

t.test('matching: which get requests a scope covers', async t => {
  const cases: Array<[string, Req, boolean, string]> = [
    // hosts: exact, case-insensitive
    ['gitlab.com', https('gitlab.com'), true, 'same host'],
    ['gitlab.com', https('gitlab.com', 'group/repo'), true, 'host token, any path'],
    ['gitlab.com', https('gitlab.com.evil.net'), false, 'suffix attack'],
    ['gitlab.com', https('evilgitlab.com'), false, 'prefix attack'],
    ['gitlab.com', https('evil.gitlab.com'), false, 'subdomain'],
    ['gitlab.com', https('gitlab.co'), false, 'shorter host'],
    ['gitlab.com', https('GitLab.COM'), true, 'host case from git'],
    ['GitLab.COM', https('gitlab.com'), true, 'host case in scope'],
    ['gitlab.com', https('gitlab.com.'), true, 'trailing dot (same DNS name)'],
    // ports
    ['gitlab.com', https('gitlab.com:8443'), false, 'port given by git, none in scope'],
    ['gitlab.com:8443', https('gitlab.com'), false, 'port in scope, none from git'],
    ['gitlab.com:8443', https('gitlab.com:8443'), true, 'same port'],
    ['gitlab.com:8443', https('gitlab.com:8444'), false, 'other port'],
    ['gitlab.com', https('gitlab.com:443'), true, 'https :443 = none'],
    ['gitlab.com:443', https('gitlab.com'), true, 'https scope :443 = none'],
    ['gitlab.com', https('gitlab.com:80'), false, ':80 is not the https default'],
    ['http://gitlab.com', http('gitlab.com:80'), true, 'http :80 = none'],
    ['http://gitlab.com:80', http('gitlab.com'), true, 'http scope :80 = none'],
    ['http://gitlab.com', http('gitlab.com:443'), false, ':443 is not the http default'],
    ['http://gitlab.com:8080', http('gitlab.com:8080'), true, 'http with port'],
    // protocols
    ['gitlab.com', http('gitlab.com'), false, 'no protocol in scope = https only'],
    ['https://gitlab.com', http('gitlab.com'), false, 'https scope, http request'],
    ['http://gitlab.com', http('gitlab.com'), true, 'explicit http scope'],
    ['http://gitlab.com', https('gitlab.com'), false, 'http scope, https request'],
    ['gitlab.com', { protocol: 'HTTPS', host: 'gitlab.com' }, true, 'protocol case'],
    ['gitlab.com', { host: 'gitlab.com' }, false, 'no protocol sent'],
    ['gitlab.com', { protocol: 'ftp', host: 'gitlab.com' }, false, 'other protocol'],
    ['gitlab.com', { protocol: 'ssh', host: 'gitlab.com' }, false, 'ssh'],
    // IPv6
    ['[::1]:8080', https('[::1]:8080'), true, 'IPv6 with port'],
    ['[::1]:8080', https('[::1]'), false, 'IPv6 without port'],
    ['[::1]:8080', https('[::2]:8080'), false, 'other IPv6'],
    ['[::1]', https('[::1]:443'), true, 'IPv6 default port'],
    // group wildcards
    ['gitlab.com/group/*', https('gitlab.com', 'group/a'), true, 'direct child'],
    ['gitlab.com/group/*', https('gitlab.com', 'group/sub/deep'), true, 'any depth'],
    ['gitlab.com/group/*', https('gitlab.com', 'group/sub/deep/er.git'), true, 'any depth with .git'],
    ['gitlab.com/group/*', https('gitlab.com', 'groupie/x'), false, 'segment prefix is not a prefix'],
    ['gitlab.com/group/*', https('gitlab.com', 'group'), false, 'the group itself'],
    ['gitlab.com/group/*', https('gitlab.com', 'group/'), false, 'the group itself, trailing slash'],
    ['gitlab.com/group/*', https('gitlab.com', 'other/group/a'), false, 'group deeper down'],
    ['gitlab.com/group/*', https('gitlab.com', 'Group/a'), false, 'paths compare exactly'],
    ['gitlab.com/group/*', https('gitlab.com'), false, 'no path from git (no useHttpPath)'],
    ['gitlab.com/group/*', https('gitlab.com.evil.net', 'group/a'), false, 'right path, wrong host'],
    ['gitlab.com/group/*', http('gitlab.com', 'group/a'), false, 'right path, http'],
    ['gitlab.com/group/sub/*', https('gitlab.com', 'group/sub/x'), true, 'nested group'],
    ['gitlab.com/group/sub/*', https('gitlab.com', 'group/x'), false, 'sibling of nested group'],
    ['gitlab.com/group/sub/*', https('gitlab.com', 'group/subway/x'), false, 'nested prefix attack'],
    // exact repositories
    ['gitlab.com/group/repo', https('gitlab.com', 'group/repo'), true, 'exact'],
    ['gitlab.com/group/repo', https('gitlab.com', 'group/repo.git'), true, '.git ignored'],
    ['gitlab.com/group/repo', https('gitlab.com', 'group/repo/'), true, 'trailing slash ignored'],
    ['gitlab.com/group/repo', https('gitlab.com', '/group/repo'), true, 'leading slash ignored'],
    ['gitlab.com/group/repo.git', https('gitlab.com', 'group/repo'), true, '.git in scope ignored'],
    ['gitlab.com/group/repo/', https('gitlab.com', 'group/repo.git'), true, 'trailing slash in scope ignored'],
    ['gitlab.com/group/repo', https('gitlab.com', 'group/repo-fork'), false, 'fork'],
    ['gitlab.com/group/repo', https('gitlab.com', 'group/rep'), false, 'shorter name'],
    ['gitlab.com/group/repo', https('gitlab.com', 'group/repo/sub'), false, 'below the repo'],
    ['gitlab.com/group/repo', https('gitlab.com', 'group'), false, 'the group'],
    ['gitlab.com/group/repo', https('gitlab.com', 'other/group/repo'), false, 'same tail elsewhere'],
    ['gitlab.com/group/repo', https('gitlab.com', 'group/repo.git.evil'), false, '.git not at the end'],
    ['gitlab.com/group/repo', https('gitlab.com'), false, 'no path from git'],
    ['gitlab.com/group/repo', https('gitlab.com', ''), false, 'empty path from git'],
    // percent-encoding and dot segments
    ['gitlab.com/group/repo', https('gitlab.com', 'gr%6Fup/repo'), true, 'percent-encoded path'],
    ['gitlab.com/gr%6Fup/repo', https('gitlab.com', 'group/repo'), true, 'percent-encoded scope'],
    ['gitlab.com/group/repo', https('gitlab.com', 'group/./repo'), true, '. segment'],
    ['gitlab.com/group/repo', https('gitlab.com', 'group%2Frepo'), false, 'encoded slash refused'],
    ['gitlab.com/group/*', https('gitlab.com', 'group/a%2Fb'), false, 'encoded slash refused under a group'],
    ['gitlab.com/group/repo', https('gitlab.com', 'other/../group/repo'), false, '.. refused'],
    ['gitlab.com/group/*', https('gitlab.com', 'group/../other'), false, '.. escaping a group'],
    ['gitlab.com/group/*', https('gitlab.com', 'group/x/../../other'), false, '.. deeper'],
    ['gitlab.com/group/*', https('gitlab.com', 'group/%2e%2e/other'), false, 'encoded ..'],
    ['gitlab.com/group/*', https('gitlab.com', 'group/%zz'), false, 'bad escape'],
    ['gitlab.com', https('gitlab.com', 'group/../other'), true, 'host token still matches a refused path'],
    ['gitlab.com', https('gitlab.com', 'group%2Frepo'), true, 'host token still matches an encoded slash'],
    // full clone URLs as scopes
    ['https://alice@gitlab.com/group/repo.git', https('gitlab.com', 'group/repo'), true, 'clone URL scope'],
    ['https://alice@gitlab.com/group/repo.git', https('gitlab.com', 'group/repo-fork'), false, 'clone URL scope, fork'],
    ['https://gitlab.com:8443/group/repo.git', https('gitlab.com:8443', 'group/repo.git'), true, 'clone URL with port'],
    ['http://gitlab.com/group/repo.git', https('gitlab.com', 'group/repo'), false, 'http clone URL, https request'],
  ]
  for (const [scope, req, want, why] of cases) {
    t.equal(covers(scope, req), want, `${why}: ${scope} ${want ? 'covers' : 'does not cover'} ${JSON.stringify(req)}`)
  }
  t.ok(cases.length >= 40, `${cases.length} matching cases`)
})

t.test('specificity orders exact repo > longer prefix > shorter prefix > host', async t => {
  const target = targetOf(https('gitlab.com', 'group/sub/repo.git'))!
  const rank = (s: string) => specificity(parseScope(s), target)
  const host = rank('gitlab.com')
  const group = rank('gitlab.com/group/*')
  const sub = rank('gitlab.com/group/sub/*')
  const exact = rank('gitlab.com/group/sub/repo')
  t.equal(host, 0, 'host token ranks 0')
  t.ok(group > host, `group (${group}) > host (${host})`)
  t.ok(sub > group, `longer prefix (${sub}) > shorter (${group})`)
  t.ok(exact > sub, `exact (${exact}) > prefix (${sub})`)
  // a very deep group prefix still ranks below an exact repository
  const deep = targetOf(https('gitlab.com', 'a/b/c/d/e/f/g/h/i/j/k/repo'))!
  t.ok(
    specificity(parseScope('gitlab.com/a/b/c/d/e/f/g/h/i/j/k/repo'), deep) > specificity(parseScope('gitlab.com/a/b/c/d/e/f/g/h/i/j/k/*'), deep),
    'exact beats a deep prefix',
  )
  t.equal(rank('gitlab.com/other/*'), -1, 'non-covering scope ranks -1')
})

t.test('eraseMatches: attributes git did not send match anything; those sent must agree', async t => {
  const target = (r: Req): Target => {
    const x = targetOf(r)
    if (!x) throw new Error('bad target')
    return x
  }
  const cases: Array<[string, Req, boolean, string]> = [
    ['gitlab.com/group/repo', {}, true, 'nothing sent matches anything'],
    ['http://gitlab.com:8080/x', {}, true, 'nothing sent matches any scope'],
    ['gitlab.com/group/repo', { protocol: 'https' }, true, 'protocol only, agrees'],
    ['gitlab.com/group/repo', { protocol: 'http' }, false, 'protocol only, disagrees'],
    ['gitlab.com/group/repo', { host: 'gitlab.com' }, true, 'host only'],
    ['gitlab.com/group/repo', { host: 'GITLAB.com' }, true, 'host only, other case'],
    ['gitlab.com/group/repo', { host: 'gitlab.com.evil.net' }, false, 'host only, suffix attack'],
    ['gitlab.com:8443', { host: 'gitlab.com' }, false, 'host without the port'],
    ['gitlab.com:8443', { host: 'gitlab.com:8443' }, true, 'host with the port'],
    ['gitlab.com/group/repo', { path: 'group/repo' }, true, 'path only'],
    ['gitlab.com/group/repo', { path: 'group/repo.git' }, true, 'path only, .git'],
    ['gitlab.com/group/repo', { path: 'group/repo-fork' }, false, 'path only, fork'],
    ['gitlab.com/group/*', { path: 'group/a/b' }, true, 'path under a group'],
    ['gitlab.com/group/*', { path: 'groupie/a' }, false, 'path beside a group'],
    ['gitlab.com/group/repo', { path: 'group/../group/repo' }, false, 'refused path matches nothing'],
    ['gitlab.com', { path: 'group/../x' }, false, 'refused path matches nothing, even a host token'],
    ['gitlab.com', { protocol: 'https', host: 'gitlab.com', path: 'group/repo' }, true, 'host token covers a path'],
    ['gitlab.com/group/repo', { protocol: 'https', host: 'gitlab.com' }, true, 'no path sent: path scopes match'],
    ['gitlab.com/group/repo', { protocol: 'https', host: 'gitlab.com', path: 'group/other' }, false, 'other repo on the host'],
    ['http://gitlab.com', { protocol: 'http', host: 'gitlab.com:80' }, true, 'http default port'],
    ['[::1]:8080/x', { protocol: 'https', host: '[::1]:8080', path: 'x.git' }, true, 'IPv6'],
  ]
  for (const [scope, req, want, why] of cases) {
    t.equal(eraseMatches(parseScope(scope), target(req)), want, `${why}: erase ${JSON.stringify(req)} vs ${scope}`)
  }
})

// One `.git` of the last segment is ignored, once; group
// segments (and a wildcard's prefix) are never altered; the canonical text
// parses back to the very same scope, so what `add` prints is what it stores.
t.test('.git is stripped once, only from the last segment', async t => {
  const cases: Array<[string, string[], boolean, string]> = [
    ['ex.com/g.git/*', ['g.git'], true, 'ex.com/g.git/*'],
    ['ex.com/a/g.git/*', ['a', 'g.git'], true, 'ex.com/a/g.git/*'],
    ['ex.com/g/r.git.git', ['g', 'r.git'], false, 'ex.com/g/r.git.git'],
    ['ex.com/g/r.git', ['g', 'r'], false, 'ex.com/g/r'],
    ['ex.com/g.git/r.git', ['g.git', 'r'], false, 'ex.com/g.git/r'],
    ['ex.com/g/r.git.git.git', ['g', 'r.git.git'], false, 'ex.com/g/r.git.git.git'],
  ]
  for (const [input, path, wildcard, canonical] of cases) {
    const s = parseScope(input)
    t.same(s.path, path, `${input}: path`)
    t.equal(s.wildcard, wildcard, `${input}: wildcard`)
    t.equal(formatScope(s), canonical, `${input}: canonical text`)
    t.same(parseScope(formatScope(s)).path, path, `${canonical} parses back to the same path`)
    t.equal(formatScope(parseScope(formatScope(s))), canonical, `${canonical} is a fixed point`)
  }
  t.same(normalisePath('g/r.git.git'), ['g', 'r.git'], 'git path: one .git only')
  t.ok(covers('ex.com/g.git/*', https('ex.com', 'g.git/x.git')), 'g.git/* covers g.git/x.git')
  t.notOk(covers('ex.com/g.git/*', https('ex.com', 'g/x.git')), 'g.git/* never covers g/x.git')
  t.ok(covers('ex.com/g/r.git.git', https('ex.com', 'g/r.git.git')), 'r.git.git covers the path git sends for it')
  t.notOk(covers('ex.com/g/r.git.git', https('ex.com', 'g/r.git')), 'repository r.git is not repository r')
  t.notOk(covers('ex.com/g/r.git.git', https('ex.com', 'g/r')), 'nor r')
  t.notOk(covers('ex.com/g/r', https('ex.com', 'g/r.git.git')), 'and r does not cover r.git')
  // store builds its scope from git's path; its text must mean the same repository.
  const built: Scope = { protocol: 'https', host: 'ex.com', path: normalisePath('g/r.git.git')!, wildcard: false }
  t.same(parseScope(formatScope(built)).path, ['g', 'r.git'], 'store: path=g/r.git.git saves repository r.git')
})

// What a scope may not carry.
t.test('scopes with control characters, oversized hosts or a password are refused', async t => {
  for (const bad of ['ex.com\nevil.com', 'ex.com/g\n/r', 'ex.com/g/r\n', 'ex.com\t', 'ex.com/a\x01b', 'ex.com/a%0Ab', 'ex.com/a%7Fb', '\x1bex.com']) {
    t.throws(() => parseScope(bad), { code: 'SCOPE', message: /control character/ }, `refused: ${JSON.stringify(bad)}`)
  }
  const label63 = 'a'.repeat(63)
  t.equal(parseScope(`${label63}.com`).host, `${label63}.com`, 'a 63-byte label is fine')
  t.throws(() => parseScope(`${label63}a.com`), { code: 'SCOPE', message: /label longer than 63/ }, '64-byte label')
  const host253 = [...Array(4)].map(() => 'a'.repeat(61)).join('.') + '.abcdefgh' // 4*61+3 dots + 9 = 256 → trim
  const ok253 = host253.slice(0, 253).replace(/\.$/, 'x')
  t.equal(ok253.length, 253)
  t.equal(parseScope(ok253).host, ok253, 'a 253-byte host is fine')
  t.throws(() => parseScope(ok253 + 'b'), { code: 'SCOPE', message: /longer than 253/ }, '254-byte host')
  t.equal(targetOf({ protocol: 'https', host: `${label63}a.com` }), null, 'git sending such a host matches nothing')
  const withPassword = parseScope('https://alice:Sup3rSecretValue@ex.com/g/r.git')
  t.equal(withPassword.hasPassword, true, 'a password in the scope is flagged')
  t.notMatch(JSON.stringify(withPassword), 'Sup3rSecretValue', 'and not kept')
  t.equal(parseScope('https://alice@ex.com').hasPassword, undefined, 'a username alone is fine')
  for (const bad of [
    'https://alice:Sup3rSecretValue@bad host/x',
    'https://alice:Sup3rSecretValue@ex.com:99999',
    'https://alice:Sup3rSecretValue@ex.com/a\nb',
  ]) {
    try {
      parseScope(bad)
      t.fail(`accepted ${JSON.stringify(bad)}`)
    } catch (e) {
      t.notMatch((e as Error).message, 'Sup3rSecretValue', `the error never repeats the password: ${(e as Error).message}`)
      t.notMatch((e as Error).message, /[\n\r]/, 'one line')
    }
  }
})
