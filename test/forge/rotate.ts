// rotate --api in-process (src/forge/rotate.ts) against the loopback GitLab
// API and the session keyring: every record that carried the old secret
// gets the new one (writeSecret also tells a running daemon
// to drop each; test/e2e/daemon.ts covers that path).
import t from 'tap'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startForgeServer } from '../e2e/lib/forge-server.js'
import { tokenRecord } from '../lib/token.js'
import type { Metadata } from '../../src/state/tokens.js'
import { useDaemon } from '../../src/state/daemon-link.js'
import { daemonLink } from '../../src/daemon/client/client.js'
import { useTestKeychain } from '../lib/context.js'

// As the entry point does: the keychain of this process's environment is the one in use.
useTestKeychain()

// As git/helper.ts and cli/cli.ts do: the daemon's client in front of the sources.
useDaemon(daemonLink, process.env)

const OLD = 'glpat-unit-rotate-old-0001'
const OTHER = 'glpat-unit-rotate-other-0002'
const now = new Date()
const inDays = (d: number) => new Date(now.getTime() + d * 86_400_000).toISOString().slice(0, 10)

const forge = await startForgeServer([
  { token: OLD, expiresAt: inDays(3), scopes: ['api'] },
  { token: OTHER, expiresAt: inDays(3), scopes: ['api'] },
])
t.teardown(() => forge.close())
const origin = forge.url

function home(): { env: NodeJS.ProcessEnv; file: string } {
  const dir = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'gcp-rotate-unit-'))
  const file = join(dir, 'tokens.json')
  const m: Metadata = {
    version: 2,
    id: '0123456789abcdef',
    tokens: [
      // A lifetime of exactly 60 days, whatever the time of day the test runs.
      tokenRecord({
        name: 'host',
        scope: origin,
        expires: `${inDays(3)}T00:00:00.000Z`,
        created: new Date(Date.parse(inDays(3)) - 60 * 86_400_000).toISOString(),
      }),
      tokenRecord({ name: 'group', scope: `${origin}/g/*`, expires: `${inDays(3)}T00:00:00.000Z` }),
      tokenRecord({ name: 'other', scope: `${origin}/o/*`, expires: `${inDays(3)}T00:00:00.000Z` }),
    ],
  }
  writeFileSync(file, JSON.stringify(m))
  return { env: { ...process.env, GIT_CREDENTIAL_PAT_HOME: dir, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' }, file }
}

// The session keyring of the test run (scripts/keyring-session.sh), under a service of this test's own.
process.env.GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE = `git-credential-pat-test-rotate-unit-${process.pid}`
const keychain = await import('../../src/state/sources/keychain.js')
const { readMetadata } = await import('../../src/state/tokens.js')
const { rotateThroughForge } = await import('../../src/forge/rotate.js')

async function seed(file: string): Promise<void> {
  readMetadata(file) // binds the store id the items live under
  t.teardown(async () => {
    for (const n of ['host', 'group', 'other']) await keychain.deleteSecret(n).catch(() => false)
  })
  await keychain.setSecret('host', OLD)
  await keychain.setSecret('group', OLD)
  await keychain.setSecret('other', OTHER)
}

t.test('every record with the old secret gets the new one; the daemon drops each', async t => {
  const { env, file } = home()
  await seed(file)
  const out = await rotateThroughForge({ name: 'host', env, now })
  const fresh = forge.token(OLD)?.rotatedTo
  t.ok(fresh, 'rotated at the forge')
  t.match(out, `renewed 'host' through GitLab: new secret saved, expires ${inDays(60)}`)
  t.match(out, "'group' carried the same secret: renewed too")
  t.equal(await keychain.getSecret('host'), fresh)
  t.equal(await keychain.getSecret('group'), fresh, 'the same token under another scope')
  t.equal(await keychain.getSecret('other'), OTHER, 'another secret of the host is left alone')
  t.equal(await keychain.getSecret('host#write-probe'), null, 'the probe item is gone')
  const m = JSON.parse(readFileSync(file, 'utf8')) as Metadata
  const by = Object.fromEntries(m.tokens.map(x => [x.name, x]))
  t.equal(by.host.expires, `${inDays(60)}T00:00:00.000Z`)
  t.equal(by.group.expires, `${inDays(60)}T00:00:00.000Z`)
  t.equal(by.other.expires, `${inDays(3)}T00:00:00.000Z`)
  t.match(
    by.host.rotation,
    { result: 'rotated', expires: `${inDays(3)}T00:00:00.000Z` },
    'marked with the expiry it renewed from (autoRotate: once per expiry)',
  )
  t.notOk(readFileSync(file, 'utf8').includes(fresh!), 'no secret in the metadata')
})
