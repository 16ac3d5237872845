// git's get and store answered whole by the daemon (src/git/via-daemon.ts):
// the daemon's answer when it gives one, and null (the process does the
// request itself) whenever it declines, is absent, slow, unsafe, or the
// request is one it must not see.
import t, { type Test } from 'tap'
import net from 'node:net'
import { chmodSync, mkdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { daemonMayAnswer, viaDaemon } from '../../src/git/via-daemon.js'
import { testDaemon, tempHome, type TestDaemon } from '../daemon/lib/in-process.js'
import { runtimePaths } from '../../src/daemon/client/runtime.js'
import { writeKey } from '../../src/daemon/client/handshake.js'
import { HELPER_MAX_METADATA_BYTES } from '../../src/daemon/client/protocol.js'
import { readTokensFor, serialize, SCHEMA_VERSION, type TokenRecord } from '../../src/state/tokens.js'
import { statePaths } from '../../src/state/paths.js'
import { stampOf } from '../../src/state/stamp.js'
import { tokenRecord } from '../lib/token.js'
import { testContext, useTestKeychain } from '../lib/context.js'

const ctx = (env: NodeJS.ProcessEnv) => testContext({ env })

const GET = 'protocol=https\nhost=gitlab.example.com\npath=team/app.git\n\n'
const SERVICE = `gcp-unit-via-daemon-${process.pid}`

/** A daemon of its own home holding `tokens`, with the secrets given cached for their records. */
async function daemonWith(t: Test, tokens: TokenRecord[], secrets: Record<string, string>): Promise<TestDaemon> {
  const d = await testDaemon(t, {}, 'via-daemon')
  const env: NodeJS.ProcessEnv = { ...d.env, GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE: SERVICE, GIT_CREDENTIAL_PAT_DAEMON_TIMEOUT_MS: '2000' }
  d.env = env
  useTestKeychain(env) // stampOf names the store, as an entry point's binding does
  const { metadata } = statePaths(env)
  mkdirSync(statePaths(env).data, { recursive: true, mode: 0o700 })
  writeFileSync(metadata, serialize({ version: SCHEMA_VERSION, id: '00112233445566aa', tokens }), { mode: 0o600 })
  for (const [name, secret] of Object.entries(secrets)) {
    const rec = readTokensFor(metadata, 'gitlab.example.com').find(x => x.name === name)!
    t.match(await d.ask({ op: 'put', name, stamp: stampOf(rec, env), secret }), { ok: true })
  }
  return d
}

const host = (over: Partial<TokenRecord> = {}) => tokenRecord({ name: 'host', scope: 'gitlab.example.com', ...over })

t.test('a cached token: the daemon answers get whole, and a store of the same secret', async t => {
  // Used a moment ago: a store of the same secret has no last use to record (the daemon writes nothing).
  const d = await daemonWith(t, [host({ lastUsed: new Date().toISOString() })], { host: 'glpat-cached' })
  t.same(await viaDaemon('get', Buffer.from(GET), ctx(d.env)), { out: 'username=oauth2\npassword=glpat-cached\n', notes: [] })
  const stored = await viaDaemon('store', Buffer.from(`${GET.trimEnd()}\nusername=oauth2\npassword=glpat-cached\n\n`), ctx(d.env))
  t.same(stored, { out: '', notes: [] }, 'store of the very secret it answered: nothing to write, answered')
})

t.test('what the daemon cannot answer alone is left to the process', async t => {
  const d = await daemonWith(t, [host()], {})
  t.equal(await viaDaemon('get', Buffer.from(GET), ctx(d.env)), null, 'the secret is not cached')
  const e = await daemonWith(t, [host()], { host: 'glpat-cached' })
  t.equal(await viaDaemon('erase', Buffer.from(GET), ctx(e.env)), null, 'erase never')
  t.equal(await viaDaemon('get', Buffer.from([0x68, 0x6f, 0x73, 0x74, 0x3d, 0xff, 0x0a, 0x0a]), ctx(e.env)), null, 'bytes that are not UTF-8')
  for (const v of ['GIT_CREDENTIAL_PAT_TRACE', 'GIT_CREDENTIAL_PAT_LOG']) {
    t.equal(await viaDaemon('get', Buffer.from(GET), ctx({ ...e.env, [v]: '1' })), null, `${v} set: the process logs as asked`)
  }
  t.equal(await viaDaemon('get', Buffer.from(GET), ctx({ ...e.env, GIT_CREDENTIAL_PAT_DAEMON: 'never' })), null, 'daemon never')
  t.not(await viaDaemon('get', Buffer.from(GET), ctx(e.env)), null, 'and the same request otherwise answered')
  // A metadata file too large for the daemon to hold: not even asked.
  truncateSync(statePaths(e.env).metadata, HELPER_MAX_METADATA_BYTES + 1)
  t.equal(await viaDaemon('get', Buffer.from(GET), ctx(e.env)), null, 'metadata over the daemon’s limit')
})

t.test('daemonMayAnswer: get and store with the default log settings, where the daemon is asked at all', async t => {
  const env = { GIT_CREDENTIAL_PAT_HOME: '/nonexistent' }
  t.equal(daemonMayAnswer('get', env), true)
  t.equal(daemonMayAnswer('store', env), true)
  t.equal(daemonMayAnswer('erase', env), false)
  t.equal(daemonMayAnswer('get', { ...env, GIT_CREDENTIAL_PAT_DAEMON: 'never' }), false)
  t.equal(daemonMayAnswer('get', { ...env, GIT_CREDENTIAL_PAT_DAEMON: 'always' }), true)
  t.equal(daemonMayAnswer('get', { ...env, GIT_CREDENTIAL_PAT_TRACE: '' }), false, 'TRACE set, even empty')
  t.equal(daemonMayAnswer('store', { ...env, GIT_CREDENTIAL_PAT_LOG: 'debug' }), false)
})

t.test('no daemon, a silent one, or an unsafe socket: null, and the request goes on without it', async t => {
  const { dir, env } = tempHome('via-none')
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  t.equal(await viaDaemon('get', Buffer.from(GET), ctx(env)), null, 'no runtime directory, no socket')
  const paths = runtimePaths(env)
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 })
  const server = net.createServer(() => {}) // accepts, never answers
  await new Promise<void>(r => server.listen(paths.socket, r))
  t.teardown(() => void server.close())
  chmodSync(paths.socket, 0o600)
  writeKey(paths.key)
  const slow = { ...env, GIT_CREDENTIAL_PAT_DAEMON_TIMEOUT_MS: '100' }
  t.equal(await viaDaemon('get', Buffer.from(GET), ctx(slow)), null, 'a daemon that never answers: null after the timeout')
  chmodSync(paths.socket, 0o666)
  t.equal(await viaDaemon('get', Buffer.from(GET), ctx(slow)), null, 'a socket open to others: not used')
})
