// What becomes of a token typed at the prompt once git reports success:
// saved under its chosen scope and name, or renewing the expired token it
// replaces in place; one stderr line says which.
import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { addPending, anyPending, settlePending, type PendingEntry } from '../../src/state/pending.js'
import { readMetadata, updateMetadata } from '../../src/state/tokens.js'
import { readSecret, writeSecret } from '../../src/state/sources/index.js'
import { errSink } from '../../src/log/stderr.js'
import { parseCredential } from '../../src/core/protocol.js'
import { tokenRecord } from '../lib/token.js'
import { useTestKeychain } from '../lib/context.js'

// As the entry point does: the keychain of this process's environment is the one in use.
useTestKeychain()

const NOW = new Date('2026-06-15T12:00:00Z')

function sandboxEnv(t: { testdir: (fixture?: Record<string, string>) => string }): NodeJS.ProcessEnv {
  const dir = t.testdir({ gitconfig: '' })
  return { ...process.env, GIT_CREDENTIAL_PAT_HOME: join(dir, 'pat'), GIT_CONFIG_GLOBAL: join(dir, 'gitconfig'), GIT_CONFIG_NOSYSTEM: '1' }
}

const entry = (extra: Partial<PendingEntry> = {}): PendingEntry => ({
  created: NOW.toISOString(),
  protocol: 'https',
  host: 'gitlab.com',
  path: 'g/r.git',
  username: 'oauth2',
  password: 'glpat-typed-new',
  choice: 'host',
  scope: 'gitlab.com',
  expires: '2027-01-31T00:00:00.000Z',
  provider: 'gitlab',
  name: 'gitlab.com-m',
  url: 'https://gitlab.com/g/r.git',
  ...extra,
})

const stored = parseCredential('protocol=https\nhost=gitlab.com\npath=g/r.git\nusername=oauth2\npassword=glpat-typed-new\n\n')

async function settle(env: NodeJS.ProcessEnv): Promise<string> {
  const said: string[] = []
  const orig = errSink.write
  errSink.write = text => void said.push(text)
  try {
    t.equal(await settlePending(stored, env, NOW), true)
  } finally {
    errSink.write = orig
  }
  return said.join('')
}

t.test('a new token: saved under the chosen scope and name, and one line says so', async t => {
  const env = sandboxEnv(t)
  addPending(join(env.GIT_CREDENTIAL_PAT_HOME!, 'pending'), entry(), NOW)
  const said = await settle(env)
  t.equal(said, "git-credential-pat: saved token 'gitlab.com-m' for gitlab.com, expires 2027-01-31\n")
  const [rec] = readMetadata(join(env.GIT_CREDENTIAL_PAT_HOME!, 'tokens.json')).tokens
  t.match(rec, { name: 'gitlab.com-m', scope: 'gitlab.com', origin: 'prompt', expires: '2027-01-31T00:00:00.000Z' })
  t.equal(await readSecret(rec, env), 'glpat-typed-new')
  t.notMatch(said, 'glpat', 'never the secret')
})

t.test('renewing: the expired or rejected record gets the new secret and expiry in place', async t => {
  for (const old of [
    tokenRecord({ name: 'team', scope: 'gitlab.com/g/*', expires: '2026-01-01T00:00:00.000Z', hasRefreshToken: true }),
    tokenRecord({ name: 'team', scope: 'gitlab.com/g/*', state: 'rejected', rejected: { at: NOW.toISOString(), url: 'x' }, origin: 'store' }),
  ]) {
    const env = sandboxEnv(t)
    const file = join(env.GIT_CREDENTIAL_PAT_HOME!, 'tokens.json')
    await updateMetadata(file, async m => {
      await writeSecret(old, 'glpat-the-old-one')
      m.tokens.push({ ...old, checked: { at: 'then', result: 'invalid' } })
    })
    addPending(
      join(env.GIT_CREDENTIAL_PAT_HOME!, 'pending'),
      entry({ choice: 'group', scope: 'gitlab.com/g/*', name: 'team', replaces: 'team', expires: null }),
      NOW,
    )
    const said = await settle(env)
    t.equal(said, "git-credential-pat: saved token 'team' for gitlab.com/g/*, expiry unknown (renewed: the old secret is replaced)\n")
    const tokens = readMetadata(file).tokens
    t.equal(tokens.length, 1, 'no second token')
    t.match(tokens[0], { name: 'team', state: 'active', expires: null, rotated: NOW.toISOString() })
    t.notOk(tokens[0].rejected || tokens[0].checked || tokens[0].hasRefreshToken, 'what was said about the old secret is gone')
    t.equal(await readSecret(tokens[0], env), 'glpat-typed-new')
  }
})

t.test('a token disabled meanwhile is not renewed: a new one is saved beside it', async t => {
  const env = sandboxEnv(t)
  const file = join(env.GIT_CREDENTIAL_PAT_HOME!, 'tokens.json')
  await updateMetadata(file, m => void m.tokens.push(tokenRecord({ name: 'gitlab.com-m', state: 'disabled', source: 'env:X' })))
  addPending(join(env.GIT_CREDENTIAL_PAT_HOME!, 'pending'), entry({ replaces: 'gitlab.com-m' }), NOW)
  t.match(await settle(env), "saved token 'gitlab.com-m-2' for gitlab.com")
  t.same(
    readMetadata(file).tokens.map(x => [x.name, x.state]),
    [
      ['gitlab.com-m', 'disabled'],
      ['gitlab.com-m-2', 'active'],
    ],
  )
})

t.test('anyPending: a cheap look, no directory is none', async t => {
  const dir = t.testdir()
  t.equal(anyPending(join(dir, 'absent')), false)
  t.equal(anyPending(dir), false)
  writeFileSync(join(dir, 'x.json'), '{}')
  t.equal(anyPending(dir), true)
})
