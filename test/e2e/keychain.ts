// The real keychain layout (SPEC §4): service `git-credential-pat`, account =
// the token's name, readable by other Secret Service clients (secret-tool).
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { sandbox, run, parseCredential } from './lib/env.js'

t.test('add stores the secret under service git-credential-pat, account = name', async t => {
  const sb = sandbox('keychain')
  const env = { ...sb.env, GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE: '' } // empty: the real default service
  const name = `kc-${randomBytes(4).toString('hex')}`
  const secret = `kc-secret-${randomBytes(8).toString('hex')}`
  const added = await sb.pat(['add', 'gitlab.com', '--token-stdin', '--name', name], { input: secret, env })
  t.equal(added.code, 0, added.stderr)
  const looked = await run('secret-tool', ['lookup', 'service', 'git-credential-pat', 'account', name], { env })
  t.equal(looked.stdout.trim(), secret, 'secret-tool finds it where the spec says')
  const got = await sb.pat(['get'], { input: 'protocol=https\nhost=gitlab.com\n\n', env })
  t.equal(parseCredential(got.stdout).password, secret)
  await run('secret-tool', ['clear', 'service', 'git-credential-pat', 'account', name], { env })
  const missing = await sb.pat(['get'], { input: 'protocol=https\nhost=gitlab.com\n\n', env })
  t.equal(missing.code, 0)
  t.equal(missing.stdout, '', 'nothing for git when the secret is gone')
  t.match(missing.stderr, new RegExp(`token '${name}' is recorded but the keychain returned no secret`), 'says why instead of acting as if there were no token')
})
