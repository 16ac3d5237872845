// Concurrent writes of one token's secret (docs/git-credential-pat.md,
// "Tokens and where their secrets live": writes are atomic and locked): several
// `rotate`s of the same token at once, as real processes against the
// throwaway keyring. Each must wait its turn and succeed: no keyring error
// from another process's half-done write, nothing from GLib on stderr, no
// item left behind, and the token ends with the secret of one of them.
import t from 'tap'
import { rmSync } from 'node:fs'
import { parseCredential, run, sandbox } from '../e2e/lib/env.js'

const ROUNDS = 5
const AT_ONCE = 6
const HOST = 'race.example.com'

t.test(`${AT_ONCE} rotates of one token at once, ${ROUNDS} rounds`, async t => {
  const sb = sandbox('rotate-race')
  sb.env.GIT_CREDENTIAL_PAT_DAEMON = 'never'
  t.teardown(() => rmSync(sb.dir, { recursive: true, force: true }))
  await sb.addToken(HOST, 'race-secret-first', ['--name', 'race', '--username', 'ci'])
  const failed: string[] = []
  for (let round = 0; round < ROUNDS; round++) {
    const secrets = Array.from({ length: AT_ONCE }, (_, i) => `race-secret-${round}-${i}`)
    const results = await Promise.all(secrets.map(s => sb.pat(['rotate', 'race', '--token-stdin'], { input: s })))
    results.forEach((r, i) => {
      if (r.code !== 0 || r.stderr !== '') failed.push(`round ${round}, rotate ${i}: exit ${r.code}: ${r.stderr.trim()}`)
    })
    const got = parseCredential((await sb.pat(['get'], { input: `protocol=https\nhost=${HOST}\n\n` })).stdout).password
    t.ok(got !== undefined && secrets.includes(got), `round ${round}: the token has the secret of one of the rotates`)
  }
  t.same(failed, [], 'every rotate succeeded, with nothing on stderr')
  const items = await run('secret-tool', ['search', '--all', 'service', sb.env.GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE!], { env: sb.env })
  const accounts = [...(items.stdout + items.stderr).matchAll(/^attribute\.account = (.*)$/gm)].map(m => m[1].replace(/^[0-9a-f]{16}\//, ''))
  t.same(accounts, ['race'], 'one keychain item: the token (no write probe left behind)')
})
