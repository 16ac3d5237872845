// Scopes as people type them (src/core/scope-input.ts).
import t from 'tap'
import { hostPart, parseTypedScope, repositoryOfPage } from '../../src/core/scope-input.js'
import { formatScope, parseScope } from '../../src/core/scope.js'

t.test('a group without its host is refused, with a suggestion', async t => {
  t.throws(() => parseTypedScope('team/*', ['gitlab.com']), {
    code: 'SCOPE',
    message: "scope 'team/*' has no host: did you mean gitlab.com/team/*? (a host name without a dot needs its protocol: https://team/*)",
  })
  t.throws(() => parseTypedScope('team/app', ['gitlab.com', 'gitlab.com']), { message: /did you mean gitlab\.com\/team\/app\?/ }, 'one host, named twice')
  t.throws(() => parseTypedScope('team/*', ['gitlab.com', 'github.com']), { message: /did you mean <host>\/team\/\*\?/ }, 'two hosts: a placeholder')
  t.throws(() => parseTypedScope('team/*'), { message: /did you mean <host>\/team\/\*\?/ }, 'no host known')
  t.throws(() => parseTypedScope('team/*', ['http://git.lan:8080']), { message: /did you mean http:\/\/git\.lan:8080\/team\/\*\?/ })
})

t.test('hosts that parse as they did', async t => {
  t.same(formatScope(parseTypedScope('GitLab.COM/Team/*')), 'gitlab.com/Team/*', 'the host lower-cased, the path kept')
  t.equal(formatScope(parseTypedScope('localhost/g/r')), 'localhost/g/r')
  t.equal(formatScope(parseTypedScope('https://git/team/*')), 'git/team/*', 'a dotless host with its protocol')
  t.equal(formatScope(parseTypedScope('git')), 'git', 'a dotless host alone')
  t.equal(formatScope(parseTypedScope('git:8443/team')), 'git:8443/team', 'a port says it is a host')
  t.equal(formatScope(parseTypedScope('127.0.0.1/g/*')), '127.0.0.1/g/*')
  t.equal(hostPart(parseScope('http://Git.lan:8080/a/b')), 'http://git.lan:8080')
})

t.test('a page of a repository stands for the repository', async t => {
  const page = (text: string, provider: string) => {
    const r = repositoryOfPage(parseTypedScope(text), provider)
    return r && formatScope(r)
  }
  t.equal(page('https://gitlab.com/g/sub/app/-/tree/main', 'gitlab'), 'gitlab.com/g/sub/app')
  t.equal(page('https://gitlab.com/g/app/-/merge_requests/1', 'gitlab'), 'gitlab.com/g/app')
  t.equal(page('https://gitlab.com/g/app/-/blob/main/README.md', 'gitlab'), 'gitlab.com/g/app')
  t.equal(page('https://gitlab.com/g/sub/tree', 'gitlab'), null, 'GitLab: a project may be named tree')
  t.equal(page('https://github.com/acme/app/tree/main', 'github'), 'github.com/acme/app')
  t.equal(page('https://github.com/acme/app/pull/1', 'github'), 'github.com/acme/app')
  t.equal(page('https://github.com/acme/app/issues', 'github'), 'github.com/acme/app')
  t.equal(page('https://github.com/acme/app/blob/main/x.ts#L3', 'github'), 'github.com/acme/app')
  t.equal(page('https://codeberg.org/me/app/src/branch/main', 'gitea'), 'codeberg.org/me/app')
  t.equal(page('https://bitbucket.org/ws/repo/src/main/', 'bitbucket'), 'bitbucket.org/ws/repo')
  t.equal(page('https://bitbucket.org/ws/repo/pull-requests/1', 'bitbucket'), 'bitbucket.org/ws/repo')
  t.equal(page('git.example.com/a/b/tree/x', 'generic'), 'git.example.com/a/b')
  t.equal(page('github.com/acme/app', 'github'), null, 'a repository: nothing to reduce')
  t.equal(page('github.com/acme/tree/*', 'github'), null, 'a wildcard is a group, never a page')
  t.equal(page('git.launchpad.net/~me/proj/+git/tree/x', 'launchpad'), null)
})
