// The context (src/state/context.ts) and the keychain binding it carries
// (src/state/keychain-account.ts): built from the env it is given, never
// from this process's, and put in use only by an entry point.
import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { contextOf } from '../../src/state/context.js'
import { statePaths } from '../../src/state/paths.js'
import { bindStore, keychainBinding, rebindStore, storeId, useKeychain } from '../../src/state/keychain-account.js'
import { stampOf } from '../../src/state/stamp.js'
import { tokenRecord } from '../lib/token.js'

t.test('env, clock and paths are the ones given, not the process’s', async t => {
  const at = new Date('2030-05-06T07:08:09Z')
  const env = { GIT_CREDENTIAL_PAT_HOME: '/elsewhere/pat' }
  const ctx = contextOf(env, () => at)
  t.equal(ctx.env, env)
  t.equal(ctx.now(), at)
  t.same(ctx.paths, statePaths(env))
  t.equal(ctx.paths.metadata, '/elsewhere/pat/tokens.json')
  t.equal(ctx.paths, ctx.paths, 'worked out once')
  const before = Date.now()
  const real = contextOf(env).now()
  t.ok(real.getTime() >= before, 'the default clock is the real one, read when asked')
})

t.test('the keychain binding: service and timeout from the env, the metadata file until one is bound', async t => {
  const env: NodeJS.ProcessEnv = { GIT_CREDENTIAL_PAT_HOME: '/h' }
  const k = contextOf(env).keychain
  t.equal(k.service, 'git-credential-pat')
  t.equal(k.timeoutMs, 5000)
  t.equal(k.file, '/h/tokens.json')
  t.equal(k.id, undefined, 'not read yet')
  env.GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE = 'svc'
  env.GIT_CREDENTIAL_PAT_KEYCHAIN_TIMEOUT_MS = '250'
  t.equal(k.service, 'svc', 'read when asked')
  t.equal(k.timeoutMs, 250)
  env.GIT_CREDENTIAL_PAT_KEYCHAIN_TIMEOUT_MS = 'soon'
  t.equal(k.timeoutMs, 5000, 'not a number: the default')
})

t.test('the binding in use: none until an entry point says which; reads bind only then', async t => {
  t.throws(() => keychainBinding(), /no keychain binding in use/)
  t.throws(() => storeId(), /no keychain binding in use/)
  bindStore('/nowhere/tokens.json', '0123456789abcdef') // a reader with no keychain: nothing bound, nothing thrown
  const dir = t.testdir({ 'tokens.json': JSON.stringify({ version: 2, id: 'aaaaaaaaaaaaaaaa', tokens: [] }) })
  const a = contextOf({ GIT_CREDENTIAL_PAT_HOME: dir })
  useKeychain(a.keychain)
  t.equal(keychainBinding(), a.keychain)
  t.equal(storeId(), 'aaaaaaaaaaaaaaaa', "read from the context's metadata file when first asked")
  const stamp = stampOf(tokenRecord(), {})
  bindStore('/other/tokens.json', 'bbbbbbbbbbbbbbbb')
  t.same([a.keychain.file, a.keychain.id], ['/other/tokens.json', 'bbbbbbbbbbbbbbbb'], 'a metadata read binds its file in the context')
  t.not(stampOf(tokenRecord(), {}), stamp, 'the stamp names the store bound')
  // Another context's binding is its own: nothing of the first leaks into it.
  const b = contextOf({ GIT_CREDENTIAL_PAT_HOME: join(dir, 'b') })
  useKeychain(b.keychain)
  t.equal(storeId(), null, 'no file there: bare names')
  t.equal(a.keychain.id, 'bbbbbbbbbbbbbbbb')
  writeFileSync(join(dir, 'b.json'), JSON.stringify({ id: 'cccccccccccccccc' }))
  bindStore(join(dir, 'b.json'), null)
  t.ok(rebindStore(), 'the id is read again from the bound file')
  t.equal(storeId(), 'cccccccccccccccc')
})
