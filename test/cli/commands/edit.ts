// edit: each field changed in place, checked as add checks it; a bad value
// changes nothing (exit 2); the keychain item moves with a new name and
// stays, or goes with --forget-secret, when the source changes.
import t from 'tap'
import { join } from 'node:path'
import { editToken, type EditArgs } from '../../../src/cli/commands/edit.js'
import { readMetadata, updateMetadata, type TokenRecord } from '../../../src/state/tokens.js'
import { readSecret, writeSecret } from '../../../src/state/sources/index.js'
import { getSecret } from '../../../src/state/sources/keychain.js'
import { PatError } from '../../../src/errors.js'
import { tokenRecord } from '../../lib/token.js'
import { useTestKeychain } from '../../lib/context.js'

// As the entry point does: the keychain of this process's environment is the one in use.
useTestKeychain()

const NOW = new Date('2026-06-15T12:00:00Z')

async function setup(t: { testdir: (f?: Record<string, string>) => string }, tokens: Array<[TokenRecord, string?]>) {
  const dir = t.testdir({ gitconfig: '' })
  const env = { ...process.env, GIT_CREDENTIAL_PAT_HOME: join(dir, 'pat'), GIT_CONFIG_GLOBAL: join(dir, 'gitconfig'), GIT_CONFIG_NOSYSTEM: '1' }
  const file = join(dir, 'pat', 'tokens.json')
  await updateMetadata(file, async m => {
    for (const [rec, secret] of tokens) {
      if (secret !== undefined) await writeSecret(rec, secret)
      m.tokens.push(rec)
    }
  })
  const edit = (token: string, more: Omit<EditArgs, 'token'>) => editToken({ token, ...more }, NOW, env)
  return { env, edit, read: () => readMetadata(file).tokens }
}

const ci = () => tokenRecord({ name: 'ci', scope: 'gitlab.com', source: 'env:CI_TOKEN', description: 'runner' })

t.test('each field, one line each; the rest of the record stays', async t => {
  const { edit, read, env } = await setup(t, [[ci()]])
  const out = await edit('ci', {
    scope: 'GitLab.com/Team/*',
    username: 'bot',
    provider: 'github',
    expires: '2027-01-31',
    access: 'read',
    description: 'the CI runner',
    source: 'exec:pass show ci',
  })
  t.same(out.trim().split('\n').slice(0, 7), [
    "changed scope of 'ci': gitlab.com → gitlab.com/Team/*",
    "changed username of 'ci': oauth2 → bot",
    "changed provider of 'ci': gitlab → github",
    "changed expires of 'ci': unknown → 2027-01-31",
    "changed access of 'ci': read-write → read",
    'changed description of \'ci\': "runner" → "the CI runner"',
    "changed source of 'ci': env:CI_TOKEN → exec:pass show ci",
  ])
  t.match(out, 'set credential.https://gitlab.com.useHttpPath=true', 'a path scope gets useHttpPath, as add sets it')
  t.match(read()[0], {
    name: 'ci',
    scope: 'gitlab.com/Team/*',
    username: 'bot',
    provider: 'github',
    expires: '2027-01-31T00:00:00.000Z',
    access: 'read',
    description: 'the CI runner',
    source: 'exec:pass show ci',
    created: '2026-01-01T00:00:00.000Z',
    state: 'active',
    origin: 'add',
  })
  t.match(await edit('ci', { description: '', expires: 'unknown' }), "changed expires of 'ci': 2027-01-31 → unknown")
  t.notOk('description' in read()[0], "'' removes the description")
  t.ok(env)
})

t.test('a new host without --provider gets its forge, as add picks it', async t => {
  const { edit, read } = await setup(t, [[ci()]])
  t.match(await edit('ci', { scope: 'github.com/acme/app' }), "changed provider of 'ci': gitlab → github")
  t.equal(read()[0].scope, 'github.com/acme/app')
})

t.test('no change, nothing to change, and bad values: nothing is written', async t => {
  const { edit, read } = await setup(t, [[ci()], [tokenRecord({ name: 'other', source: 'env:X' })]])
  const before = JSON.stringify(read())
  t.equal(await edit('ci', { scope: 'gitlab.com', username: 'oauth2' }), "nothing changed: 'ci' already has those values\n")
  const bad: Array<[Omit<EditArgs, 'token'>, string]> = [
    [{}, 'name what to change'],
    [{ scope: 'team/*' }, 'has no host: did you mean gitlab.com/team/*?'],
    [{ scope: 'https://u:hunter2@gitlab.com' }, 'carries a password'],
    [{ scope: 'ssh://gitlab.com/x' }, 'only http:// and https://'],
    [{ username: 'a\nb' }, 'control characters'],
    [{ username: '' }, 'the username is empty'],
    [{ provider: 'sourceforge' }, '--provider must be one of'],
    [{ expires: 'soon' }, '--expires'],
    [{ expires: '2020-01-01' }, 'in the past'],
    [{ expires: '-5d' }, 'negative'],
    [{ access: 'admin' }, '--access'],
    [{ source: 'vault:x' }, '--source must be'],
    [{ source: 'env:1BAD' }, 'not a valid variable name'],
    [{ name: 'has space' }, '--name'],
    [{ forgetSecret: true, source: 'env:Y' }, '--forget-secret goes with'],
    [{ expires: '90d', username: '' }, 'the username is empty'],
  ]
  for (const [args, msg] of bad) {
    const e = await edit('ci', args).catch((x: unknown) => x)
    t.ok(e instanceof PatError && e.code === 'USAGE' && e.exitCode === 2, `${JSON.stringify(args)}: usage error`)
    t.match((e as Error).message, msg)
    t.notMatch((e as Error).message, 'hunter2', 'a password is never repeated')
  }
  const taken = await edit('ci', { name: 'other' }).catch((x: unknown) => x)
  t.ok(taken instanceof PatError && taken.code === 'EXISTS', 'a taken name')
  const none = await edit('nope', { access: 'read' }).catch((x: unknown) => x)
  t.ok(none instanceof PatError && none.code === 'NOT_FOUND')
  t.equal(JSON.stringify(read()), before, 'nothing changed')
})

t.test('keychain: a new name moves the item; leaving the keychain keeps it unless --forget-secret', async t => {
  const kc = tokenRecord({ name: 'kc', scope: 'gitlab.com' })
  const { edit, read, env } = await setup(t, [[kc, 'glpat-edit-secret-1']])
  t.equal(await edit('kc', { name: 'kc2' }), "changed name of 'kc2': kc → kc2\n")
  t.equal(await getSecret('kc'), null, 'the old item is gone')
  t.equal(await readSecret(read()[0], env), 'glpat-edit-secret-1', 'the secret moved with the name')
  t.match(await edit('kc2', { source: 'env:KC' }), 'the keychain copy of the secret is kept')
  t.equal(await getSecret('kc2'), 'glpat-edit-secret-1')
  t.match(await edit('kc2', { source: 'keychain' }), 'the secret already in the keychain')
  t.equal(await readSecret(read()[0], env), 'glpat-edit-secret-1')
  t.match(await edit('kc2', { source: 'env:KC', forgetSecret: true }), 'deleted the keychain copy')
  t.equal(await getSecret('kc2'), null)
  const e = await edit('kc2', { source: 'keychain' }).catch((x: unknown) => x)
  t.ok(e instanceof PatError && e.exitCode === 1, 'no secret to come back to')
  t.match((e as Error).message, 'edit never asks for one')
  t.equal(read()[0].source, 'env:KC', 'unchanged')
})
