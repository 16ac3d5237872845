// The real keychain layout: service `git-credential-pat`, account
// `<store id>/<token name>`, readable by other Secret Service clients
// (secret-tool); each metadata file owns its items.
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sandbox, run, parseCredential, type Sandbox } from './lib/env.js'
import { tokenRecord } from '../lib/token.js'
import { rawKeychainOp } from './lib/keyring.js'

const storeIdOf = (sb: Sandbox) => (JSON.parse(readFileSync(join(sb.env.GIT_CREDENTIAL_PAT_HOME!, 'tokens.json'), 'utf8')) as { id?: string }).id
const lookup = (env: NodeJS.ProcessEnv, service: string, account: string) =>
  run('secret-tool', ['lookup', 'service', service, 'account', account], { env }).then(r => r.stdout)
/** Put an item in the keychain behind the helper's back, as an older version did (keytar; secret on stdin, never argv). */
async function storeItem(env: NodeJS.ProcessEnv, service: string, account: string, secret: string): Promise<void> {
  await rawKeychainOp({ ...env, GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE: service }, 'set', account, secret)
}
const ask = (host: string, path?: string) => `protocol=https\nhost=${host}\n${path ? `path=${path}\n` : ''}\n`

t.test('add stores the secret under service git-credential-pat, account = <store id>/<name>', async t => {
  const sb = sandbox('keychain')
  const env = { ...sb.env, GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE: '' } // empty: the real default service
  const name = `kc-${randomBytes(4).toString('hex')}`
  const secret = `kc-secret-${randomBytes(8).toString('hex')}`
  const added = await sb.pat(['add', 'gitlab.com', '--token-stdin', '--name', name], { input: secret, env })
  t.equal(added.code, 0, added.stderr)
  const id = storeIdOf(sb)
  t.match(id, /^[0-9a-f]{16}$/, 'the metadata file carries its store id')
  t.equal((await lookup(env, 'git-credential-pat', `${id}/${name}`)).trim(), secret, 'secret-tool finds it where the spec says')
  t.equal(await lookup(env, 'git-credential-pat', name), '', 'nothing under the bare name')
  const got = await sb.pat(['get'], { input: ask('gitlab.com'), env })
  t.equal(parseCredential(got.stdout).password, secret)
  await run('secret-tool', ['clear', 'service', 'git-credential-pat', 'account', `${id}/${name}`], { env })
  const missing = await sb.pat(['get'], { input: ask('gitlab.com'), env })
  t.equal(missing.code, 0)
  t.equal(missing.stdout, '', 'nothing for git when the secret is gone')
  t.match(missing.stderr, new RegExp(`token '${name}' is recorded but the keychain returned no secret`), 'says why instead of acting as if there were no token')
})

/** Two homes on ONE keychain service, as two GIT_CREDENTIAL_PAT_HOMEs (or one and the default) really are. */
function twoHomes(): { a: Sandbox; b: Sandbox; service: string } {
  const service = `git-credential-pat-shared-${randomBytes(4).toString('hex')}`
  const a = sandbox('home-a')
  const b = sandbox('home-b')
  a.env.GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE = service
  b.env.GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE = service
  return { a, b, service }
}

t.test('two homes sharing one keyring: same token name, each keeps its own secret', async t => {
  const { a, b, service } = twoHomes()
  const name = '127.0.0.1-vm'
  await a.addToken('127.0.0.1', 'secret-of-home-a-0001', ['--name', name, '--username', 'vm'])
  await b.addToken('127.0.0.1', 'secret-of-home-b-0002', ['--name', name, '--username', 'vm'])
  t.not(storeIdOf(a), storeIdOf(b), 'each metadata file has its own store id')

  const fromA = await a.pat(['get'], { input: ask('127.0.0.1') })
  t.equal(parseCredential(fromA.stdout).password, 'secret-of-home-a-0001', "A still sends A's secret after B added the same name")
  t.equal(parseCredential((await b.pat(['get'], { input: ask('127.0.0.1') })).stdout).password, 'secret-of-home-b-0002')
  t.same(
    (await a.tokens()).map(x => x.state),
    ['active'],
    'A has not marked its token rejected',
  )

  // doctor in B does not call A's items orphans (nor A in A's).
  for (const [who, sb] of [
    ['B', b],
    ['A', a],
  ] as const) {
    const d = await sb.pat(['doctor', '--json'])
    const checks = (JSON.parse(d.stdout) as { checks: Array<{ id: string; status: string; details: string[] }> }).checks
    const orphan = checks.find(c => c.id === 'orphan-secret')!
    t.equal(orphan.status, 'ok', `doctor in ${who}: no orphans (${JSON.stringify(orphan.details)})`)
    t.equal(checks.find(c => c.id === 'missing-secret')!.status, 'ok', `doctor in ${who}: its secret is there`)
  }

  const removed = await b.pat(['remove', name, '--yes'])
  t.equal(removed.code, 0, removed.stderr)
  t.equal((await lookup(a.env, service, `${storeIdOf(a)}/${name}`)).trim(), 'secret-of-home-a-0001', "remove in B left A's item")
  t.equal(await lookup(b.env, service, `${storeIdOf(b)}/${name}`), '', "B's own item is gone")
  t.equal(parseCredential((await a.pat(['get'], { input: ask('127.0.0.1') })).stdout).password, 'secret-of-home-a-0001', 'and A still answers with it')

  // A record-less name in B that only A has is not B's to remove.
  const other = await b.pat(['remove', name, '--yes'])
  t.equal(other.code, 1)
  t.match(other.stderr, /no token named '127\.0\.0\.1-vm'/)
  t.equal((await lookup(a.env, service, `${storeIdOf(a)}/${name}`)).trim(), 'secret-of-home-a-0001', "A's item survives that too")
})

t.test('a schema-1 metadata file with bare-name items: get answers before, and the first write migrates without loss', async t => {
  const { a: sb, service } = twoHomes()
  const home = sb.env.GIT_CREDENTIAL_PAT_HOME!
  mkdirSync(home, { recursive: true })
  const tokens = [
    tokenRecord({ name: 'mig-plain', scope: 'one.example.com', username: 'u1' }),
    tokenRecord({ name: 'mig-refresh', scope: 'two.example.com', username: 'u2', hasRefreshToken: true }),
    tokenRecord({ name: 'mig-empty', scope: 'three.example.com', username: 'u3', emptySecret: true }),
    tokenRecord({ name: 'mig-env', scope: 'four.example.com', source: 'env:MIG_ENV_TOKEN' }),
  ]
  const file = join(home, 'tokens.json')
  writeFileSync(file, JSON.stringify({ version: 1, tokens }), { mode: 0o600 })
  await storeItem(sb.env, service, 'mig-plain', 'bare-secret-plain-0003')
  await storeItem(sb.env, service, 'mig-refresh', 'bare-secret-refresh-0004')
  await storeItem(sb.env, service, 'mig-refresh#oauth_refresh_token', 'bare-refresh-token-0005')
  await storeItem(sb.env, service, 'someone-elses', 'not-ours-0006') // a bare item without a record: not ours

  // Before any write: get reads the bare names; doctor judges no item.
  t.equal(
    parseCredential((await sb.pat(['get'], { input: ask('one.example.com') })).stdout).password,
    'bare-secret-plain-0003',
    'get answers from the unmigrated file',
  )
  const d1 = JSON.parse((await sb.pat(['doctor', '--json'])).stdout) as { checks: Array<{ id: string; status: string }> }
  t.equal(d1.checks.find(c => c.id === 'orphan-secret')!.status, 'skip', 'doctor on an unmigrated file calls nothing an orphan')
  t.equal(d1.checks.find(c => c.id === 'missing-secret')!.status, 'ok')
  t.equal(JSON.parse(readFileSync(file, 'utf8')).version, 1, 'reads do not rewrite the file')

  // The first write (here: disable a token that has nothing in the keychain) migrates.
  const dis = await sb.pat(['disable', 'mig-env'])
  t.equal(dis.code, 0, dis.stderr)
  const after = JSON.parse(readFileSync(file, 'utf8')) as { version: number; id: string; tokens: unknown[] }
  t.equal(after.version, 2)
  t.match(after.id, /^[0-9a-f]{16}$/)
  t.equal(after.tokens.length, 4, 'every record kept')
  const id = after.id
  t.equal((await lookup(sb.env, service, `${id}/mig-plain`)).trim(), 'bare-secret-plain-0003', 'moved under the store id')
  t.equal((await lookup(sb.env, service, `${id}/mig-refresh`)).trim(), 'bare-secret-refresh-0004')
  t.equal((await lookup(sb.env, service, `${id}/mig-refresh#oauth_refresh_token`)).trim(), 'bare-refresh-token-0005', 'refresh token too')
  for (const bare of ['mig-plain', 'mig-refresh', 'mig-refresh#oauth_refresh_token'])
    t.equal(await lookup(sb.env, service, bare), '', `bare '${bare}' deleted after the copy`)
  t.equal((await lookup(sb.env, service, 'someone-elses')).trim(), 'not-ours-0006', 'a bare item without our record is left alone')

  t.equal(parseCredential((await sb.pat(['get'], { input: ask('one.example.com') })).stdout).password, 'bare-secret-plain-0003', 'get answers after migration')
  const two = parseCredential((await sb.pat(['get'], { input: ask('two.example.com') })).stdout)
  t.equal(two.password, 'bare-secret-refresh-0004')
  t.equal(two.oauth_refresh_token, 'bare-refresh-token-0005')
  t.same(parseCredential((await sb.pat(['get'], { input: ask('three.example.com') })).stdout), { username: 'u3', password: '' }, 'empty secret still empty')

  const d2 = JSON.parse((await sb.pat(['doctor', '--json'])).stdout) as { checks: Array<{ id: string; status: string; summary: string }> }
  t.equal(d2.checks.find(c => c.id === 'orphan-secret')!.status, 'ok', 'no orphans after migration')
  t.match(
    d2.checks.find(c => c.id === 'legacy-secret')?.summary,
    /1 keychain item under a bare name .*legacy, not ours to judge/,
    'the foreign bare item is only counted as legacy',
  )
})
