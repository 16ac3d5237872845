// Cache-through secret resolution and the session-only token API, against
// an in-process daemon (src/secrets.ts). The keychain cases are end-to-end
// (test/e2e/daemon.ts); here an exec: source counts how often it runs.
import t from 'tap'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { daemonMode, dropSessions, putSession, resolveSecret, sessionFor, stampOf } from '../../src/state/secrets.js'
import { emptyCredential, type Credential } from '../../src/core/protocol.js'
import { takeNotes } from '../../src/log/log.js'
import type { TokenRecord } from '../../src/state/tokens.js'
import { tempHome, testDaemon } from '../daemon/lib/in-process.js'
import { tokenRecord } from '../lib/token.js'
import { bindStore } from '../../src/state/keychain-account.js'
import { writeSecret } from '../../src/state/sources/index.js'
import { useDaemon } from '../../src/state/daemon-link.js'
import { daemonLink } from '../../src/daemon/client/client.js'
import { useTestKeychain } from '../lib/context.js'

// As the entry point does: the keychain of this process's environment is the one in use.
useTestKeychain()

// As git/helper.ts and cli/cli.ts do: the daemon's client in front of the sources.
useDaemon(daemonLink, process.env)

const tok = (extra: Partial<TokenRecord> = {}): TokenRecord => tokenRecord(extra)

const cred = (fields: Partial<Credential>): Credential => ({ ...emptyCredential(), ...fields })

t.test('the stamp ignores use, not changes', async t => {
  const base = stampOf(tok(), process.env)
  t.equal(stampOf(tok({ lastUsed: '2026-02-02T00:00:00Z' }), process.env), base)
  t.equal(stampOf(tok({ checked: { at: 'x', active: true } }), process.env), base)
  t.not(stampOf(tok({ rotated: '2026-02-02T00:00:00Z' }), process.env), base)
  t.not(stampOf(tok({ state: 'rejected' }), process.env), base)
  t.not(stampOf(tok({ source: 'exec:pass show x' }), process.env), base)
  t.not(stampOf(tok({ created: '2026-03-01T00:00:00.000Z' }), process.env), base)
})

t.test('every write of the secret changes the stamp, even when nothing else in the record does', async t => {
  // git's store replacing a password in place changes only the last use, which the stamp leaves out.
  const rec = tok({ source: 'exec:true' })
  const stamps = new Set([stampOf(rec, process.env)])
  for (let i = 0; i < 3; i++) {
    await writeSecret(rec, `same-or-not-${i % 2}`)
    stamps.add(stampOf(rec, process.env))
  }
  t.equal(stamps.size, 4, 'a new stamp for each write')
})

t.test('the stamp names the store: a same-named keychain token of another home is another secret', async t => {
  const file = '/nonexistent/tokens.json'
  bindStore(file, 'aaaaaaaaaaaaaaaa')
  const a = stampOf(tok(), process.env)
  bindStore(file, 'bbbbbbbbbbbbbbbb')
  const b = stampOf(tok(), process.env)
  t.not(a, b, 'the daemon does not hand home A a secret read for home B')
  t.equal(
    stampOf(tok({ source: 'env:X' }), process.env),
    (bindStore(file, 'aaaaaaaaaaaaaaaa'), stampOf(tok({ source: 'env:X' }), process.env)),
    'env: secrets are not keychain items: the store does not matter',
  )
  bindStore(file, null)
})

t.test('daemon mode from the environment', async t => {
  t.equal(await daemonMode({ GIT_CREDENTIAL_PAT_DAEMON: 'never' }), 'never')
  t.equal(await daemonMode({ GIT_CREDENTIAL_PAT_DAEMON: 'false' }), 'never')
  t.equal(await daemonMode({ GIT_CREDENTIAL_PAT_DAEMON: 'Always' }), 'always')
  t.equal(await daemonMode({ GIT_CREDENTIAL_PAT_DAEMON: 'auto' }), 'auto')
  t.equal(await daemonMode({ GIT_CREDENTIAL_PAT_DAEMON: 'what' }), 'auto')
})

t.test('an exec: source runs once, then the daemon answers until the record changes', async t => {
  const d = await testDaemon(t, {}, 'secrets')
  const count = join(d.dir, 'runs')
  const t1 = tok({ source: `exec:echo run >> '${count}'; echo exec-secret-0001` })
  const runs = () => (existsSync(count) ? readFileSync(count, 'utf8').split('\n').filter(Boolean).length : 0)
  takeNotes()
  t.equal(await resolveSecret(t1, d.env), 'exec-secret-0001')
  t.match(takeNotes(), { name: 'gl', via: 'exec' })
  t.equal(runs(), 1)
  t.equal(await resolveSecret({ ...t1, lastUsed: new Date().toISOString() }, d.env), 'exec-secret-0001')
  t.match(takeNotes(), { name: 'gl', via: 'daemon' })
  t.equal(runs(), 1, 'the second read came from the daemon')
  await resolveSecret({ ...t1, rotated: new Date().toISOString() }, d.env)
  t.equal(runs(), 2, 'a changed record reads the source again')
  t.equal(d.handle.status().cached, 1)
})

t.test('env: and file: sources never involve the daemon', async t => {
  const { dir, env } = tempHome('nodaemon')
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  env.MY_TOKEN = 'env-secret-0002'
  t.equal(await resolveSecret(tok({ source: 'env:MY_TOKEN' }), env), 'env-secret-0002')
  t.notOk(existsSync(join(env.GIT_CREDENTIAL_PAT_HOME!, 'run')), 'no runtime directory, no daemon started')
})

t.test('GIT_CREDENTIAL_PAT_DAEMON=never reads the source even with a daemon running', async t => {
  const d = await testDaemon(t, {}, 'never')
  const count = join(d.dir, 'runs')
  const t1 = tok({ source: `exec:echo run >> '${count}'; echo s` })
  const env = { ...d.env, GIT_CREDENTIAL_PAT_DAEMON: 'never' }
  await resolveSecret(t1, env)
  await resolveSecret(t1, env)
  t.equal(readFileSync(count, 'utf8').trim().split('\n').length, 2)
  t.equal(d.handle.status().cached, 0)
})

t.test('session-only tokens: put, found for a request, dropped by erase', async t => {
  const d = await testDaemon(t, {}, 'session')
  const expires = new Date(Date.now() + 3600_000)
  t.equal(await putSession('http://127.0.0.1:9/group/*', 'ci', 'session-secret-0003', expires, d.env), true)
  const q = cred({ protocol: 'http', host: '127.0.0.1:9', path: 'group/repo.git' })
  t.same(await sessionFor(q, d.env), {
    scope: 'http://127.0.0.1:9/group/*',
    username: 'ci',
    secret: 'session-secret-0003',
    expiresAt: new Date(expires.getTime()),
  })
  t.equal(await sessionFor(cred({ protocol: 'http', host: '127.0.0.1:9', path: 'other/repo' }), d.env), null)
  t.equal(await sessionFor({ ...q, username: 'someone' }, d.env), null, 'another username')
  t.equal(await dropSessions({ ...q, password: 'another' }, d.env), 0, 'erase with another password keeps it')
  t.equal(await dropSessions({ ...q, password: 'session-secret-0003' }, d.env), 1)
  t.equal(await sessionFor(q, d.env), null)
})

t.test('putSession says false when there can be no daemon', async t => {
  const { dir, env } = tempHome('nosession')
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  t.equal(await putSession('gitlab.com', 'u', 's', undefined, { ...env, GIT_CREDENTIAL_PAT_DAEMON: 'never' }), false)
})
