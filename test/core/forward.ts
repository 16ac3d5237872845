// The forward's pure rules (src/core/forward.ts): the allow-list, scope
// containment, and the lines its socket speaks.
import t from 'tap'
import { parseScope, targetOf } from '../../src/core/scope.js'
import {
  formatForwardReply,
  formatForwardRequest,
  parseAllow,
  parseForwardReply,
  parseForwardRequest,
  scopeWithin,
  tokenAllowed,
  urlAllowed,
  wholeRequest,
} from '../../src/core/forward.js'
import { PatError } from '../../src/errors.js'

const s = (text: string) => parseScope(text)
const target = (host: string, path?: string, protocol = 'https') => targetOf({ protocol, host, path })!

t.test('parseAllow: scopes, and usage errors for what is not one', async t => {
  t.same(
    parseAllow(['gitlab.com/team/*', 'http://127.0.0.1:8080/a']).map(x => [x.host, x.path, x.wildcard, x.protocol, x.port]),
    [
      ['gitlab.com', ['team'], true, 'https', undefined],
      ['127.0.0.1', ['a'], false, 'http', 8080],
    ],
  )
  for (const bad of [[], ['glpat-abcdefghijklmnopqrst'], ['ssh://host/x'], ['https://alice:pw@host/x'], ['git@host:x']]) {
    let err: unknown
    try {
      parseAllow(bad)
    } catch (e) {
      err = e
    }
    t.ok(err instanceof PatError && err.code === 'USAGE' && err.exitCode === 2 && !err.message.includes('glpat-abc'), `${JSON.stringify(bad)}: ${String(err)}`)
  }
})

t.test('scopeWithin: a token scope inside an allowed scope', async t => {
  const cases: Array<[string, string, boolean]> = [
    ['gitlab.com/team/a', 'gitlab.com/team/*', true],
    ['gitlab.com/team/sub/*', 'gitlab.com/team/*', true],
    ['gitlab.com/team/*', 'gitlab.com/team/*', true],
    ['gitlab.com/team', 'gitlab.com/team/*', false],
    ['gitlab.com', 'gitlab.com/team/*', false],
    ['gitlab.com/teamx/a', 'gitlab.com/team/*', false],
    ['gitlab.com/team/a', 'gitlab.com', true],
    ['gitlab.com/team/a', 'gitlab.com/team/a', true],
    ['gitlab.com/team/*', 'gitlab.com/team/a', false],
    ['gitlab.com/team/a/b', 'gitlab.com/team/a', false],
    ['gitlab.com:8443/team/a', 'gitlab.com/team/*', false],
    ['http://gitlab.com/team/a', 'gitlab.com/team/*', false],
    ['gitlab.com.evil.net/team/a', 'gitlab.com/team/*', false],
  ]
  for (const [inner, outer, want] of cases) t.equal(scopeWithin(s(inner), s(outer)), want, `${inner} within ${outer}`)
  t.equal(tokenAllowed([s('gitlab.com/team/*')], null), false, 'a scope that does not parse is never allowed')
})

t.test('urlAllowed: git request inside the allow-list', async t => {
  const allow = [s('gitlab.com/team/*')]
  t.equal(urlAllowed(allow, target('gitlab.com', 'team/a.git')), true)
  t.equal(urlAllowed(allow, target('gitlab.com', 'team/sub/b')), true)
  t.equal(urlAllowed(allow, target('gitlab.com', 'other/a')), false)
  t.equal(urlAllowed(allow, target('gitlab.com')), false, 'no path: not inside a path scope')
  t.equal(urlAllowed(allow, target('gitlab.com', 'team/a', 'http')), false, 'plain http needs http:// in the scope')
  t.equal(urlAllowed([s('gitlab.com')], target('gitlab.com')), true)
})

t.test('the wire format: one operation line, git lines, a blank line; replies keep only answer keys', async t => {
  const req = formatForwardRequest('get', 'protocol=https\nhost=h\n')
  t.equal(req, 'get\nprotocol=https\nhost=h\n\n')
  t.equal(wholeRequest(req), true)
  t.equal(wholeRequest('get\nprotocol=https\n'), false)
  t.same(parseForwardRequest(req), { op: 'get', input: 'protocol=https\nhost=h\n' })
  t.equal(parseForwardRequest('quit\nhost=h\n\n'), null)
  t.equal(parseForwardRequest('get'), null)
  const reply = formatForwardReply({ out: 'username=u\npassword=p\n', warnings: ['expires\nsoon'], forwarded: true })
  t.equal(reply, 'username=u\npassword=p\nwarning=expires soon\nforwarded=1\n')
  t.same(parseForwardReply(reply), { out: 'username=u\npassword=p\n', warnings: ['expires soon'], forwarded: true })
  t.same(parseForwardReply('quit=1\nurl=https://x\nusername=u\n'), { out: 'username=u\n', warnings: [], forwarded: false }, 'quit and url never reach git')
  t.same(parseForwardReply('username=u\noauth_refresh_token=r\n').out, 'username=u\n', 'nor a refresh token')
})
