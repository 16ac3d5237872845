// A token given as the URL's user (`https://ghp_…@github.com`, common in CI)
// through real git against the loopback server: git sends it to get as the
// username and to store after the clone. It is never logged, never becomes a
// token's name or username, never shows in list or export
// (docs/git-credential-pat.md, "Output and logging"). store keeps the forge's
// convention (x-access-token for GitHub) instead, or keeps nothing with one
// line when the forge has none.
import t from 'tap'
import { chmodSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sandbox, parseCredential, type Sandbox } from '../e2e/lib/env.js'
import { startGitServer } from '../e2e/lib/git-server.js'

// 36 characters after ghp_, as GitHub's classic tokens.
const URL_TOKEN = 'ghp_' + 'Ur1Us3rT0k3nInTheUrl0123456789abcdef'.slice(0, 36)
const SECRET = 'token-username-real-secret-0001'
/** The token's random part too: a name or field may have kept only that. */
const TRACES = [URL_TOKEN, URL_TOKEN.slice(4), encodeURIComponent(URL_TOKEN)]

const srv = await startGitServer({ repos: ['g/r'], tokens: [{ token: SECRET, paths: [''], access: 'read-write' }] })
t.teardown(() => srv.close())

/** git's own password question gets the real secret; ours (the helper's prompt) is declined. */
function askpass(sb: Sandbox): string {
  const file = join(sb.dir, 'askpass.sh')
  writeFileSync(file, `#!/bin/sh\ncase "$1" in\n  Password*) echo '${SECRET}' ;;\n  *) exit 1 ;;\nesac\n`)
  chmodSync(file, 0o755)
  return file
}

async function cloneWithTokenUser(sb: Sandbox, dir: string) {
  await sb.gitConfig([['credential.helper', 'pat']])
  const url = `http://${URL_TOKEN}@127.0.0.1:${srv.port}/g/r.git`
  return sb.git(['clone', url, dir], { env: { GIT_ASKPASS: askpass(sb), GIT_CREDENTIAL_PAT_LOG: 'debug' } })
}

/** Everything the helper keeps or shows: the log file, the metadata, list, export, log. */
async function everything(sb: Sandbox): Promise<Record<string, string>> {
  const home = sb.env.GIT_CREDENTIAL_PAT_HOME!
  const read = (f: string) => {
    try {
      return readFileSync(f, 'utf8')
    } catch {
      return ''
    }
  }
  return {
    'log file': read(join(home, 'log', 'git-credential-pat.log')),
    metadata: read(join(home, 'tokens.json')),
    list: (await sb.pat(['list'])).stdout,
    'list --json': (await sb.pat(['list', '--json'])).stdout,
    export: (await sb.pat(['export'])).stdout,
    log: (await sb.pat(['log'])).stdout,
    'log --json': (await sb.pat(['log', '--json'])).stdout,
  }
}

const traces = (seen: Record<string, string>) =>
  Object.entries(seen).flatMap(([where, text]) => TRACES.filter(x => text.includes(x)).map(x => `${where}: ${x.slice(0, 8)}…`))

t.test("GitHub: the token in the URL's user is replaced by x-access-token", async t => {
  const sb = sandbox('token-user-gh')
  sb.env.GIT_CREDENTIAL_PAT_DAEMON = 'never'
  await sb.gitConfig([[`credential.http://127.0.0.1:${srv.port}.patProvider`, 'github']])
  const r = await cloneWithTokenUser(sb, 'r')
  t.equal(r.code, 0, r.stderr)
  t.ok(
    srv.requests.some(q => q.username === URL_TOKEN && q.token === SECRET),
    'git sent the token as its username (the case under test happened)',
  )
  const tokens = await sb.tokens()
  t.equal(tokens.length, 1, 'store saved the credential')
  t.equal(tokens[0]?.username, 'x-access-token', "GitHub's convention as the username")
  t.notMatch(tokens[0]?.name, /ghp|Ur1Us3r/, 'the name holds no part of it')
  const seen = await everything(sb)
  t.ok(seen['log file'].includes('"op":"store"'), 'the log has the requests')
  t.same(traces(seen), [], 'no trace of the token in the log, metadata, list, export or log output')
  const ours = r.stderr.split('\n').filter(l => l.startsWith('git-credential-pat:'))
  t.same(
    ours.filter(l => TRACES.some(x => l.includes(x))),
    [],
    'nor on stderr',
  )
  // The saved token answers for the repository, under the convention's name.
  const get = await sb.pat(['get'], { input: `protocol=http\nhost=127.0.0.1:${srv.port}\n\n` })
  t.same(parseCredential(get.stdout), { username: 'x-access-token', password: SECRET })
})

t.test('a forge with no username convention: nothing saved, one line', async t => {
  const sb = sandbox('token-user-generic')
  sb.env.GIT_CREDENTIAL_PAT_DAEMON = 'never'
  const r = await cloneWithTokenUser(sb, 'r')
  t.equal(r.code, 0, r.stderr)
  t.same(await sb.tokens(), [], 'nothing saved')
  const ours = r.stderr.split('\n').filter(l => l.startsWith('git-credential-pat:'))
  t.match(ours.join('\n'), /not saved: git's username looks like a token/, 'said in one line')
  t.same(traces(await everything(sb)), [], 'no trace of the token anywhere')
})

t.test('looksLikeToken is the predicate: an ordinary username is kept', async t => {
  const sb = sandbox('token-user-plain')
  sb.env.GIT_CREDENTIAL_PAT_DAEMON = 'never'
  const r = await sb.pat(['store'], { input: `protocol=https\nhost=plain.example\nusername=alice\npassword=${SECRET}\n\n` })
  t.equal(r.code, 0, r.stderr)
  t.equal((await sb.tokens())[0]?.username, 'alice')
})

t.test('a record saved before the fix: list and export show no trace of it', async t => {
  const sb = sandbox('token-user-old')
  sb.env.GIT_CREDENTIAL_PAT_DAEMON = 'never'
  const r = await sb.pat(['store'], { input: `protocol=https\nhost=old.example\nusername=alice\npassword=${SECRET}\n\n` })
  t.equal(r.code, 0, r.stderr)
  // As the old store wrote it: git's username as the username and in the name.
  const file = join(sb.env.GIT_CREDENTIAL_PAT_HOME!, 'tokens.json')
  const meta = JSON.parse(readFileSync(file, 'utf8'))
  Object.assign(meta.tokens[0], { name: `old.example-${URL_TOKEN}`, username: URL_TOKEN })
  writeFileSync(file, JSON.stringify(meta))
  const list = await sb.pat(['list'])
  const exported = await sb.pat(['export'])
  t.same([list.code, exported.code], [0, 0])
  t.same(traces({ list: list.stdout, export: exported.stdout }), [], 'neither list nor export shows it')
  t.match(list.stdout, '(a token: hidden)')
  t.match(JSON.parse(exported.stdout).tokens[0], { name: 'old.example-token', scope: 'old.example' })
  t.notOk('username' in JSON.parse(exported.stdout).tokens[0], 'export leaves the username out')
})
