// import of a manifest, in process against the session's keyring: secrets
// from secretFrom into the keychain (read again only with --refresh-secrets,
// and written only when they differ), a keychain token without one awaits
// it, a failing source changes nothing, --prune and --dry-run, a source moving off the keychain
// leaves no orphan.
import t from 'tap'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { addChecks, importManifest } from '../../../src/cli/commands/import.js'
import { exportTokens } from '../../../src/cli/commands/export.js'
import { readMetadata } from '../../../src/state/tokens.js'
import { getSecret } from '../../../src/state/sources/keychain.js'
import { useTestKeychain } from '../../lib/context.js'

// As the entry point does: the keychain of this process's environment is the one in use.
useTestKeychain()

function home(): { env: NodeJS.ProcessEnv; write: (tokens: unknown[]) => string; meta: () => string } {
  const dir = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'gcp-import-'))
  writeFileSync(join(dir, 'gitconfig'), '')
  // The keychain service is read from process.env: one per test home.
  process.env.GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE = `git-credential-pat-test-${basename(dir)}`
  const env = {
    ...process.env,
    GIT_CREDENTIAL_PAT_HOME: join(dir, 'pat'),
    GIT_CONFIG_GLOBAL: join(dir, 'gitconfig'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
  }
  const file = join(dir, 'm.json')
  return {
    env,
    write: tokens => (writeFileSync(file, JSON.stringify({ version: 1, tokens })), file),
    meta: () => readFileSync(join(dir, 'pat', 'tokens.json'), 'utf8'),
  }
}
const tokens = (env: NodeJS.ProcessEnv) => readMetadata(join(env.GIT_CREDENTIAL_PAT_HOME!, 'tokens.json')).tokens

t.test('secretFrom: into the keychain; again only when it differs', async t => {
  const h = home()
  const file = h.write([{ name: 'k', scope: 'gitlab.example.com/team/*', secretFrom: 'env:SEED' }])
  const env = { ...h.env, SEED: 'seed-secret-one-000001' }
  t.match(
    await importManifest({ file }, new Date(), env),
    /added 'k' for gitlab.example.com\/team\/\* \(keychain\)\n.*useHttpPath=true.*\nimported .*: 1 added/,
  )
  t.equal(await getSecret('k'), 'seed-secret-one-000001')
  t.equal(await importManifest({ file }, new Date(), env), `no change: the 1 token of ${file} is as declared\n`)
  t.equal(
    await importManifest({ file }, new Date(), { ...env, SEED: 'seed-secret-two-000002' }),
    `no change: the 1 token of ${file} is as declared\n`,
    'a token that holds its secret is not read again',
  )
  t.equal(await getSecret('k'), 'seed-secret-one-000001')
  t.equal(await importManifest({ file, refreshSecrets: true }, new Date(), env), `no change: the 1 token of ${file} is as declared\n`, 'read again: the same')
  const out = await importManifest({ file, refreshSecrets: true }, new Date(), { ...env, SEED: 'seed-secret-two-000002' })
  t.match(out, /changed 'k': secret\n/)
  t.notMatch(out, /seed-secret/)
  t.equal(await getSecret('k'), 'seed-secret-two-000002')
  t.ok(tokens(env)[0].rotated, 'recorded as rotated')
  t.match(exportTokens(env), /"secretFrom": "env:SEED"/)
})

t.test('a keychain token without a secret awaits it, until secretFrom gives one; a failing source changes nothing', async t => {
  const h = home()
  const ok = h.write([{ name: 'e', scope: 'h.example', username: 'u', source: 'env:TOKEN' }])
  await importManifest({ file: ok }, new Date(), h.env)
  const before = h.meta()
  const failing = h.write([
    { name: 'e', scope: 'h.example', username: 'u', source: 'env:TOKEN', description: 'changed' },
    { name: 'k', scope: 'h.example/x', username: 'u', secretFrom: 'env:UNSET_HERE' },
  ])
  await t.rejects(importManifest({ file: failing }, new Date(), h.env), { code: 'SOURCE', message: /token 'k': environment variable UNSET_HERE is not set/ })
  t.equal(h.meta(), before, 'nothing changed')
  t.equal(await getSecret('k'), null, 'nothing in the keychain either')

  const missing = h.write([
    { name: 'e', scope: 'h.example', username: 'u', source: 'env:TOKEN' },
    { name: 'k', scope: 'h.example/x', username: 'u' },
    { name: 'l', scope: 'h.example/y', username: 'u' },
  ])
  const out = await importManifest({ file: missing }, new Date(), h.env)
  t.match(out, /2 tokens await a secret: 'k' \(h\.example\/x\), 'l' \(h\.example\/y\)\n/)
  t.same(
    tokens(h.env).map(x => [x.name, !!x.awaitingSecret]),
    [
      ['e', false],
      ['k', true],
      ['l', true],
    ],
  )
  t.match(await importManifest({ file: missing }, new Date(), h.env), /^no change: .*\n2 tokens await a secret/m, 'still awaiting: no change')
  const given = h.write([
    { name: 'e', scope: 'h.example', username: 'u', source: 'env:TOKEN' },
    { name: 'k', scope: 'h.example/x', username: 'u', secretFrom: 'env:K_SEED' },
    { name: 'l', scope: 'h.example/y', username: 'u' },
  ])
  const third = await importManifest({ file: given }, new Date(), { ...h.env, K_SEED: 'k-seed-secret-000001' })
  t.match(third, /changed 'k': secretFrom, secret\n/)
  t.match(third, /1 token awaits a secret: 'l'/)
  t.equal(await getSecret('k'), 'k-seed-secret-000001')
  const k = tokens(h.env).find(x => x.name === 'k')!
  t.notOk(k.awaitingSecret, 'no longer awaiting')
  t.notOk(k.rotated, 'a first secret is not a rotation')
})

t.test('--dry-run changes nothing; --prune removes the others and their keychain items', async t => {
  const h = home()
  const env = { ...h.env, SEED: 'prune-secret-00000001' }
  const both = h.write([
    { name: 'a', scope: 'a.example', username: 'u', secretFrom: 'env:SEED' },
    { name: 'b', scope: 'b.example', username: 'u', secretFrom: 'env:SEED' },
  ])
  await importManifest({ file: both }, new Date(), env)
  const before = h.meta()
  const onlyA = h.write([{ name: 'a', scope: 'a.example', username: 'u', secretFrom: 'env:SEED' }])
  t.match(await importManifest({ file: onlyA }, new Date(), env), /^no change/, 'without --prune b stays')
  t.equal(
    await importManifest({ file: onlyA, prune: true, dryRun: true }, new Date(), env),
    "would remove 'b' (b.example)\ndry run (0 added, 0 changed, 1 removed, 1 unchanged): nothing was changed\n",
  )
  t.equal(h.meta(), before)
  t.match(
    await importManifest({ file: onlyA, prune: true }, new Date(), env),
    /removed 'b' \(b\.example\)\nimported .*0 added, 0 changed, 1 removed, 1 unchanged/,
  )
  t.same(
    tokens(env).map(x => x.name),
    ['a'],
  )
  t.equal(await getSecret('b'), null, "b's keychain item went with it")
})

t.test('moving a token off the keychain deletes its keychain item', async t => {
  const h = home()
  const env = { ...h.env, SEED: 'move-secret-000000001' }
  await importManifest({ file: h.write([{ name: 'm', scope: 'm.example', username: 'u', secretFrom: 'env:SEED' }]) }, new Date(), env)
  t.equal(await getSecret('m'), 'move-secret-000000001')
  t.match(
    await importManifest({ file: h.write([{ name: 'm', scope: 'm.example', username: 'u', source: 'env:SEED' }]) }, new Date(), env),
    /changed 'm': source, secretFrom/,
  )
  t.equal(await getSecret('m'), null)
})

t.test('defaults as add picks them; what add refuses is refused', async t => {
  const h = home()
  await t.rejects(importManifest({ file: h.write([{ name: 'g', scope: 'git.example.org', source: 'env:T' }]) }, new Date(), h.env), {
    code: 'USAGE',
    message: /entry 1 \('g'\): a generic token needs "username"/,
  })
  writeFileSync(h.env.GIT_CONFIG_GLOBAL!, '[credential "https://git.example.org"]\n\tpatProvider = github\n')
  await importManifest({ file: h.write([{ name: 'g', scope: 'git.example.org', source: 'env:T' }]) }, new Date(), h.env)
  t.match(tokens(h.env)[0], { provider: 'github', username: 'x-access-token' }, 'git config patProvider, then the convention')
  const checks = addChecks(new Date('2026-03-01T00:00:00Z'))
  t.throws(() => checks.scope('https://u:pw@h.example'), { code: 'USAGE', message: /carries a password/ })
  t.equal(checks.scope('HTTPS://H.example:443/a/b.git'), 'h.example/a/b')
  t.equal(checks.expires('2026-01-01'), '2026-01-01T00:00:00.000Z', 'a past date is kept, as add keeps it')
  t.throws(() => checks.source('vault:x'), { code: 'USAGE' })
  t.throws(() => checks.scope('team/*'), { code: 'USAGE' }, 'a path without a host, as add refuses it')
  t.equal(checks.source('file:rel/token'), `file:${process.cwd()}/rel/token`, 'file: paths made absolute, as add makes them')
  t.equal(checks.name!('ok-name'), 'ok-name')
})
