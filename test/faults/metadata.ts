// Faults in the metadata file and its directory: truncated or corrupt
// (reported, kept byte for byte, get exits 0), read-only (a write refused
// with one line, file unchanged), the data directory missing (created 0700).
import t from 'tap'
import { chmodSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sandbox } from '../e2e/lib/env.js'
import { GET, bounded, withToken } from './lib/scenario.js'
import { pat } from './lib/timed.js'

const file = (env: NodeJS.ProcessEnv) => join(env.GIT_CREDENTIAL_PAT_HOME!, 'tokens.json')

t.test('truncated or corrupt metadata: reported, kept byte for byte, get exits 0', async t => {
  const { env } = await withToken(t, 'fault-corrupt')
  const whole = readFileSync(file(env))
  const damage: Array<[string, Buffer]> = [
    ['truncated mid-record', whole.subarray(0, Math.floor(whole.length / 2))],
    ['truncated to nothing', Buffer.alloc(0)],
    ['garbage bytes', Buffer.from([0x7b, 0xff, 0x00, 0x22, 0x0a])],
    ['valid JSON, wrong shape', Buffer.from('{"version":2,"tokens":{"grp":1}}\n')],
  ]
  for (const [why, bytes] of damage) {
    await t.test(why, async t => {
      writeFileSync(file(env), bytes)
      const get = await pat(['get'], { env, input: GET })
      bounded(t, 'get', get)
      t.equal(get.code, 0, 'get: exit 0, git goes on')
      t.equal(get.stdout, '', 'get: nothing on stdout')
      t.match(get.stderr, /metadata file .*tokens\.json is corrupt .*kept as is/, 'get: says so, naming the file')
      for (const args of [['add', 'http://127.0.0.1/x', '--token-stdin', '--username', 'u', '--name', 'x'], ['list'], ['disable', 'grp']]) {
        const r = await pat(args, { env, input: 'fault-corrupt-new-0003' })
        bounded(t, args[0], r)
        t.equal(r.code, 1, `${args[0]} fails`)
        t.match(r.stderr, /is corrupt/)
      }
      const store = await pat(['store'], { env, input: 'protocol=http\nhost=127.0.0.1\npath=s/r\nusername=u\npassword=fault-store-0004\n\n' })
      bounded(t, 'store', store)
      t.ok(readFileSync(file(env)).equals(bytes), 'the file is byte for byte what it was')
      t.same(
        readdirSync(env.GIT_CREDENTIAL_PAT_HOME!).filter(f => f.startsWith('tokens.json')),
        ['tokens.json'],
        'no lock or temporary file left',
      )
    })
  }
  writeFileSync(file(env), whole)
  t.match((await pat(['get'], { env, input: GET })).stdout, /password=fault-corrupt-secret-0001/, 'repaired: the token answers again')
})

t.test('read-only metadata: a write fails with one line, the file unchanged', async t => {
  const { env } = await withToken(t, 'fault-readonly')
  chmodSync(file(env), 0o400)
  const before = readFileSync(file(env))
  for (const [what, args, input] of [
    ['add', ['add', 'http://127.0.0.1/x', '--token-stdin', '--username', 'u', '--name', 'x'], 'fault-ro-new-0005'],
    ['disable', ['disable', 'grp'], ''],
    ['store', ['store'], 'protocol=http\nhost=127.0.0.1\npath=s/r\nusername=u\npassword=fault-ro-store-0006\n\n'],
  ] as const) {
    const r = await pat([...args], { env, input })
    bounded(t, what, r)
    if (what !== 'store') t.equal(r.code, 1, `${what} fails`)
    t.match(r.stderr, /tokens\.json is read-only; nothing was changed/, `${what}: says why in one line`)
    t.ok(readFileSync(file(env)).equals(before), `${what}: file unchanged`)
    t.equal(statSync(file(env)).mode & 0o777, 0o400, `${what}: still read-only`)
  }
  const get = await pat(['get'], { env, input: GET })
  t.match(get.stdout, /password=fault-readonly-secret-0001/, 'reading still works')
})

t.test('a missing data directory is created, mode 0700', async t => {
  const sb = sandbox('fault-nodir')
  const home = join(sb.dir, 'not', 'yet', 'there')
  const env = { ...sb.env, GIT_CREDENTIAL_PAT_HOME: home }
  t.notOk(existsSync(join(sb.dir, 'not')))
  const get = await pat(['get'], { env, input: GET })
  t.equal(get.code, 0)
  t.equal(get.stdout, '')
  // (a get may create the directory for its log line; whoever creates it, 0700)
  const r = await pat(['add', 'http://127.0.0.1/g/*', '--token-stdin', '--username', 'u'], { env, input: 'fault-nodir-secret-0007' })
  t.equal(r.code, 0, r.stderr)
  t.equal(statSync(home).mode & 0o777, 0o700, 'created 0700')
  t.equal(statSync(join(home, 'tokens.json')).mode & 0o777, 0o600)
  t.match((await pat(['get'], { env, input: GET })).stdout, /password=fault-nodir-secret-0007/)
})
