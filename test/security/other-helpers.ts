// git's store/cache helpers beside pat. git stores every
// credential that worked into every helper, and asks the next helper when
// pat withholds a token: a plaintext copy in ~/.git-credentials, a disabled
// token still sent, and pat's own `store` resurrecting it as a new token.
import t from 'tap'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sandbox, type Sandbox } from '../e2e/lib/env.js'
import { doctorJson } from '../e2e/lib/cli.js'
import { startGitServer } from '../e2e/lib/git-server.js'

const SECRET = 'other-helpers-token-0001'
const srv = await startGitServer({ repos: ['g/r'], tokens: [{ token: SECRET, paths: [''], access: 'read-write' }] })
t.teardown(() => srv.close())
const origin = `http://127.0.0.1:${srv.port}`
const host = `127.0.0.1:${srv.port}`

function box(name: string): Sandbox {
  const sb = sandbox(`helpers-${name}`)
  Object.assign(sb.env, { GIT_CREDENTIAL_PAT_DAEMON: 'never' })
  return sb
}

const storeInput = (secret = SECRET) => `protocol=http\nhost=${host}\nusername=u\npassword=${secret}\n\n`
const sent = (from: number) =>
  srv.requests
    .slice(from)
    .filter(q => q.token)
    .map(q => q.token)

/** Rewrite one record of the metadata file (tests only: what a clock would do). */
function editRecord(sb: Sandbox, name: string, change: (r: Record<string, unknown>) => void): void {
  const file = join(sb.env.GIT_CREDENTIAL_PAT_HOME!, 'tokens.json')
  const m = JSON.parse(readFileSync(file, 'utf8')) as { tokens: Array<Record<string, unknown>> }
  change(m.tokens.find(r => r.name === name)!)
  writeFileSync(file, JSON.stringify(m))
}

t.test('store never saves as new a secret of a disabled, rejected or expired token', async t => {
  const cases: Array<[string, (sb: Sandbox) => Promise<void>]> = [
    ['disabled', async sb => void (await sb.pat(['disable', 't1']))],
    ['rejected', async sb => void (await sb.pat(['erase'], { input: storeInput() }))],
    ['expired', async sb => editRecord(sb, 't1', r => (r.expires = '2020-01-01T00:00:00.000Z'))],
  ]
  for (const [what, kill] of cases) {
    const sb = box(what)
    await sb.addToken(origin, SECRET, ['--name', 't1', '--username', 'u'])
    await kill(sb)
    const before = await sb.tokens()
    t.equal(before.length, 1, `${what}: one token`)
    const r = await sb.pat(['store'], { input: storeInput() })
    t.equal(r.code, 0, `${what}: store exits 0`)
    t.equal(r.stdout, '', `${what}: nothing on stdout`)
    t.same(await sb.tokens(), before, `${what}: store left the record as it was and added none`)
    const g = await sb.pat(['get'], { input: `protocol=http\nhost=${host}\n\n` })
    t.notMatch(g.stdout, SECRET, `${what}: get still does not send it`)
    // Another secret for the same URL is a new credential, as before.
    await sb.pat(['store'], { input: storeInput('a-different-secret-0002') })
    t.equal((await sb.tokens()).length, 2, `${what}: a different secret is still saved`)
  }
})

t.test('setup names store/cache helpers, keeps them when not at a terminal, removes them when told', async t => {
  const sb = box('setup')
  await sb.gitConfig([['credential.helper', 'cache --timeout=60']])
  await sb.git(['config', '--global', '--add', 'credential.helper', 'store'])
  const kept = await sb.pat(['setup', '--global'])
  t.equal(kept.code, 0, kept.stderr)
  t.match(kept.stderr, /credential\.helper 'store' \(keeps every token in a plaintext file/, 'names the plaintext helper')
  t.match(kept.stderr, /credential\.helper 'cache --timeout=60' \(keeps every token in memory/, 'names the cache helper')
  t.match(kept.stderr, /kept them; to remove them: git-credential-pat setup --remove-other-helpers/, 'not at a terminal: kept, with the command to remove them')
  const list = (await sb.git(['config', '--global', '--get-all', 'credential.helper'])).stdout.trim().split('\n')
  t.same(list, ['pat', 'cache --timeout=60', 'store'], 'kept, pat first')

  const d = await doctorJson(sb)
  t.equal(d.checks['other-helpers']?.status, 'fail', 'doctor: a plaintext helper beside pat is a FAIL')
  t.match(d.checks['other-helpers']?.fix.join('\n'), /setup --remove-other-helpers/, 'doctor gives the fix')
  t.not(d.code, 0, 'doctor exits non-zero on a FAIL')

  const keep = await sb.pat(['setup', '--global', '--keep-other-helpers'])
  t.match(keep.stderr, /kept them \(--keep-other-helpers\)/)

  const removed = await sb.pat(['setup', '--global', '--remove-other-helpers'])
  t.equal(removed.code, 0, removed.stderr)
  t.match(removed.stdout, /removed credential helper 'store'/)
  t.match(removed.stdout, /removed credential helper 'cache --timeout=60'/)
  t.same((await sb.git(['config', '--global', '--get-all', 'credential.helper'])).stdout.trim().split('\n'), ['pat'], 'only pat is left')
  t.equal((await doctorJson(sb)).checks['other-helpers'], undefined, 'doctor: nothing to report any more')
})

t.test('with store removed: no plaintext copy, and a disabled token is not sent', async t => {
  const sb = box('flow')
  await sb.gitConfig([['credential.helper', 'store']])
  await sb.pat(['setup', '--global', '--remove-other-helpers'])
  await sb.addToken(origin, SECRET, ['--name', 't1', '--username', 'u'])
  const clone = await sb.git(['clone', srv.url('g/r'), 'r'])
  t.equal(clone.code, 0, clone.stderr)
  t.notOk(existsSync(join(sb.env.HOME!, '.git-credentials')), 'no ~/.git-credentials')
  await sb.pat(['disable', 't1'])
  const from = srv.requests.length
  const fetch = await sb.git(['fetch'], { cwd: join(sb.dir, 'r') })
  t.not(fetch.code, 0, 'fetch fails: nothing sends the disabled token')
  t.same(sent(from), [], 'the server saw no token')
})

t.test('with store kept beside pat: pat does not resurrect a disabled token', async t => {
  const sb = box('kept')
  await sb.gitConfig([['credential.helper', 'pat']])
  await sb.git(['config', '--global', '--add', 'credential.helper', 'store'])
  await sb.addToken(origin, SECRET, ['--name', 't1', '--username', 'u'])
  t.equal((await sb.git(['clone', srv.url('g/r'), 'r'])).code, 0)
  await sb.pat(['disable', 't1'])
  await sb.git(['fetch'], { cwd: join(sb.dir, 'r') }) // store's plaintext copy answers; pat is told it worked
  t.same(
    (await sb.tokens()).map(x => [x.name, x.state]),
    [['t1', 'disabled']],
    'still one token, still disabled',
  )
})
