// Reading git's credential-store file: lines as git writes them
// (builtin/credential-store.c percent-encodes user, password and host, so a
// port is `%3a`), what is left alone and why, and removal by content.
import t from 'tap'
import { parseGitCredentials, parseLine, withoutLines } from '../../src/core/git-credentials.js'

t.test('the three shapes git stores: host, host with port, repository path', async t => {
  const text = [
    'https://oauth2:glpat-Secret%2F1@gitlab.example.com',
    'http://bob:pw%3aith%40@localhost%3a8080',
    'https://us%20er%40x:p@git.example.com/grp/a%20b.git',
    '',
  ].join('\n')
  const { entries, skipped } = parseGitCredentials(text)
  t.same(skipped, [])
  t.same(
    entries.map(e => [e.line, e.scope, e.username, e.password, e.host, e.path]),
    [
      [1, 'gitlab.example.com', 'oauth2', 'glpat-Secret/1', 'gitlab.example.com', []],
      [2, 'http://localhost:8080', 'bob', 'pw:ith@', 'localhost', []],
      [3, 'git.example.com/grp/a%20b', 'us er@x', 'p', 'git.example.com', ['grp', 'a b']],
    ],
  )
  t.equal(entries[1].text, 'http://bob:pw%3aith%40@localhost%3a8080', 'the raw line, for removal')
})

t.test('lines git would not serve over http(s), or that would widen the scope, are left alone', async t => {
  const why = (line: string) => {
    const r = parseLine(line, 7)
    return 'why' in r ? r.why : 'parsed'
  }
  t.equal(why('smtp://u:p@mail.example.com'), 'a smtp:// credential (only http and https are served)')
  t.equal(why('not a url'), 'not a URL')
  t.equal(why('https://gitlab.example.com'), 'no username and password')
  t.equal(why('https://u@gitlab.example.com'), 'no password')
  t.equal(why('https://:p@gitlab.example.com'), 'an empty username')
  t.equal(why('https://u:%zz@gitlab.example.com'), 'bad percent-encoding')
  t.equal(why('https://u:p%0a@gitlab.example.com'), 'control characters in the username or password')
  t.equal(why('https://u:p@host.example/grp/*'), "a '*' in the path")
  t.equal(why('https://u:p@host.example/a/../b'), 'not a host and path this helper can serve')
  t.equal(why('https://u:p@exa%20mple.com'), 'no valid host')
  t.equal(why('https://u:p@host.example:99999'), 'not a host and path this helper can serve')
  t.equal(why('https://u:p@host.example/a.git'), 'parsed')
})

t.test('no message carries the password', async t => {
  const { skipped } = parseGitCredentials('https://u:VerySecret%0a@h.example\nftp://u:VerySecret@h.example\n')
  t.equal(skipped.length, 2)
  t.notMatch(JSON.stringify(skipped), /VerySecret/)
})

t.test('withoutLines: each listed line once, by content; the rest kept as it is', async t => {
  const text = 'a\nb\nc\nb\n'
  t.same(withoutLines(text, ['b']), { text: 'a\nc\nb\n', removed: 1 })
  t.same(withoutLines(text, ['b', 'b', 'a']), { text: 'c\n', removed: 3 })
  t.same(withoutLines('a\r\nb\n', ['a']), { text: 'b\n', removed: 1 }, 'a CRLF line matches')
  t.same(withoutLines(text, ['zzz']), { text, removed: 0 })
})
