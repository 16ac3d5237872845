// `which URL` end to end: through the built
// binary, for a host with a repository token, a group token, an expired one,
// a disabled one and an https-only one, which is chosen for five URLs and
// why the others are not; never a secret in the output.
import t from 'tap'
import { box, ok } from './lib/cli.js'
import type { Sandbox } from './lib/env.js'

interface Which {
  url: string
  sent: Record<string, string>
  useHttpPath: boolean
  pathSent: boolean
  chosen: string | null
  tokens: Array<{ name: string; chosen: boolean; reason: { kind: string }; why: string }>
}

const SECRETS = ['repo-secret-1111', 'group-secret-2222', 'old-secret-3333', 'off-secret-4444', 'host-secret-5555']

async function setUp(sb: Sandbox): Promise<void> {
  const add = (scope: string, name: string, secret: string, ...flags: string[]) =>
    ok(sb, ['add', scope, '--token-stdin', '--username', 'u', '--name', name, ...flags], secret)
  await add('git.test/team/app', 'repo', SECRETS[0], '--expires', '2099-01-01')
  await add('git.test/team/*', 'group', SECRETS[1])
  await add('git.test/team/*', 'old', SECRETS[2], '--expires', '2020-01-01', '--force')
  await add('git.test', 'off', SECRETS[3])
  await ok(sb, ['disable', 'off'])
  // A scope without http:// is https only.
  await add('git.test', 'host', SECRETS[4])
}

async function which(sb: Sandbox, url: string): Promise<{ json: Which; table: string; code: number | null }> {
  const j = await sb.pat(['which', url, '--json'])
  const tab = await sb.pat(['which', url])
  t.equal(tab.code, j.code, `${url}: the same exit code with and without --json`)
  for (const s of SECRETS) t.notMatch(j.stdout + j.stderr + tab.stdout + tab.stderr, s, `${url}: no secret`)
  return { json: JSON.parse(j.stdout) as Which, table: tab.stdout, code: j.code }
}

const reasons = (w: Which) => Object.fromEntries(w.tokens.map(x => [x.name, x.reason.kind]))

t.test('which: five URLs, the chosen token and why not the others', async t => {
  const sb = box('which')
  await setUp(sb)

  const repo = await which(sb, 'https://git.test/team/app')
  t.equal(repo.code, 0)
  t.equal(repo.json.chosen, 'repo')
  t.same(reasons(repo.json), { repo: 'chosen', group: 'less-specific', host: 'less-specific', old: 'expired', off: 'disabled' })
  t.match(repo.json.sent, { protocol: 'https', host: 'git.test', path: 'team/app' }, 'add turned useHttpPath on: the path is sent')
  t.match(repo.table, /get sends: 'repo' \(git\.test\/team\/app, user u\)/)
  t.match(repo.table, /^\*\s+repo\s+git\.test\/team\/app/m, 'the chosen row is marked')
  t.match(repo.table, /group\s.*less specific than 'repo'/)
  t.match(repo.table, /old\s.*expired on 2020-01-01/)
  t.match(repo.table, /off\s.*disabled/)
  t.match(repo.table, /credential\.useHttpPath is on for https:\/\/git\.test/)

  const lib = await which(sb, 'https://git.test/team/lib.git')
  t.equal(lib.json.chosen, 'group')
  t.same(reasons(lib.json), { group: 'chosen', host: 'less-specific', old: 'expired', off: 'disabled', repo: 'not-covered' })

  const other = await which(sb, 'https://git.test/other/thing')
  t.equal(other.json.chosen, 'host')
  t.same(reasons(other.json), { host: 'chosen', off: 'disabled', group: 'not-covered', old: 'not-covered', repo: 'not-covered' })

  const http = await which(sb, 'http://git.test/team/app')
  t.equal(http.code, 1, 'nothing would be sent: exit 1')
  t.equal(http.json.chosen, null)
  t.same(reasons(http.json), { repo: 'https-only', group: 'https-only', old: 'https-only', off: 'https-only', host: 'https-only' })
  t.match(http.table, /get sends: nothing/)
  t.match(http.table, /https only and this URL is http \(a scope for plain http starts with http:\/\/\)/)

  const alice = await which(sb, 'https://alice@git.test/team/app')
  t.equal(alice.json.chosen, null)
  t.equal(alice.json.sent.username, 'alice')
  t.match(reasons(alice.json), { repo: 'username', group: 'username', host: 'username' })
  t.match(alice.table, /its username is 'u'; the URL asks for 'alice'/)
})

t.test('which: useHttpPath off, a secret that cannot be read, a bad URL', async t => {
  const sb = box('which-path')
  await setUp(sb)
  await ok(sb, ['add', 'git.test/team/app', '--username', 'u', '--name', 'from-env', '--source', 'env:WHICH_TEST_UNSET', '--expires', '2100-01-01'])
  const unread = await which(sb, 'https://git.test/team/app')
  t.equal(unread.json.chosen, 'repo', 'the later-expiring token of the same scope cannot be read: the next one is sent')
  t.match(
    unread.json.tokens.find(x => x.name === 'from-env'),
    { reason: { kind: 'no-secret' }, why: /WHICH_TEST_UNSET is not set/ },
  )

  const unset = await sb.git(['config', '--global', '--unset', 'credential.https://git.test.useHttpPath'])
  t.equal(unset.code, 0)
  const noPath = await which(sb, 'https://git.test/team/app')
  t.equal(noPath.json.chosen, 'host')
  t.notOk(noPath.json.pathSent)
  t.notOk('path' in noPath.json.sent, 'git would not send the path')
  t.match(reasons(noPath.json), { repo: 'needs-use-http-path', group: 'needs-use-http-path' })
  t.match(noPath.table, /credential\.useHttpPath is off for https:\/\/git\.test: git does not send the path/)
  t.match(noPath.table, /git config --global credential\.https:\/\/git\.test\.useHttpPath true/)

  const bad = await sb.pat(['which', 'ssh://git.test/x'])
  t.equal(bad.code, 2, 'a URL we do not serve is a usage error')
  t.match(bad.stderr, /only http:\/\/ and https:\/\/ URLs are served/)
  const none = await sb.pat(['which', 'https://elsewhere.test/x'])
  t.equal(none.code, 1)
  t.match(none.stdout, /no token for elsewhere\.test; add one with: git-credential-pat add elsewhere\.test/)
})
