// git's credential.helper list as git evaluates it: which entries apply to
// a URL, what an empty value resets, and which values name this helper.
import t from 'tap'
import { effectiveHelpers, isOurs, parseHelperListing, urlMatches } from '../../src/gitconfig/helper-list.js'
import { g, u } from './lib/git-read.js'

t.test('isOurs recognises every way of naming this helper', async t => {
  for (const v of [
    'pat',
    'git-credential-pat',
    '/usr/local/bin/git-credential-pat',
    '!git-credential-pat',
    '! /opt/x/bin/git-credential-pat --flag',
    'pat --x',
  ]) {
    t.ok(isOurs(v), v)
  }
  for (const v of ['', 'cache', 'store', 'patty', 'manager', '!gh auth git-credential', '/usr/bin/pat-helper', 'osxkeychain']) t.notOk(isOurs(v), v)
})

t.test('urlMatches follows git urlmatch for host-wide lookups', async t => {
  t.ok(urlMatches('https://github.com', 'https://github.com'))
  t.ok(urlMatches('https://GitHub.com/', 'https://github.com'))
  t.ok(urlMatches('https://*.example.com', 'https://git.example.com'))
  t.notOk(urlMatches('https://*.example.com', 'https://example.com'))
  t.notOk(urlMatches('http://github.com', 'https://github.com'), 'scheme')
  t.notOk(urlMatches('https://github.com:8443', 'https://github.com'), 'port')
  t.ok(urlMatches('https://github.com:443', 'https://github.com'), 'default port')
  t.notOk(urlMatches('https://github.com.evil.net', 'https://github.com'))
  t.notOk(urlMatches('https://github.com/org', 'https://github.com'), 'a path needs git to send one')
  t.notOk(urlMatches('https://alice@github.com', 'https://github.com'), 'a user needs git to send one')
  t.notOk(urlMatches('github.com', 'https://github.com'), 'no scheme: not a URL')
})

t.test('effectiveHelpers: resets and URL entries in config order', async t => {
  const entries = [
    g('osxkeychain'),
    g('', 'global'),
    g('cache', 'global'),
    u('https://github.com', '', 'global'),
    u('https://github.com', '!gh auth git-credential', 'global'),
    g('pat', 'global'),
  ]
  t.same(effectiveHelpers(entries), ['cache', 'pat'])
  t.same(effectiveHelpers(entries, 'https://github.com'), ['!gh auth git-credential', 'pat'])
  t.same(effectiveHelpers(entries, 'https://gitlab.com'), ['cache', 'pat'])
})

t.test('parseHelperListing reads git config -z output', async t => {
  const out =
    'system\0file:/etc/gitconfig\0credential.https://x.com.helper\ngcloud.sh\0global\0file:/h/.gitconfig\0credential.helper\n\0command\0command line:\0credential.helper\npat\0'
  t.same(parseHelperListing(out), [
    { scope: 'system', file: '/etc/gitconfig', url: 'https://x.com', value: 'gcloud.sh' },
    { scope: 'global', file: '/h/.gitconfig', url: undefined, value: '' },
    { scope: 'command', file: undefined, url: undefined, value: 'pat' },
  ])
})
