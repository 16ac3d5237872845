// Importing a manifest: a manifest of four tokens (keychain, env:,
// file:, exec: through the real `pass` with a throwaway GnuPG key) serves
// four clones from the loopback server; importing it again changes nothing;
// export → import into an empty home gives the same records; a manifest
// with one bad entry changes nothing.
import t, { type Test } from 'tap'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { run, type Sandbox } from './lib/env.js'
import { startGitServer } from './lib/git-server.js'
import { box, ok } from './lib/cli.js'

const S = { kc: 'kc-import-secret-000001', env: 'env-import-secret-00002', file: 'file-import-secret-0003', pass: 'pass-import-secret-0004' }

/** A throwaway GnuPG home and password store holding the pass token (gpg-agent stopped at teardown). */
async function passStore(t: Test, sb: Sandbox): Promise<NodeJS.ProcessEnv> {
  const env = { ...sb.env, GNUPGHOME: join(sb.dir, 'gnupg'), PASSWORD_STORE_DIR: join(sb.dir, 'password-store') }
  mkdirSync(env.GNUPGHOME!, { mode: 0o700 })
  t.teardown(() => run('gpgconf', ['--kill', 'gpg-agent'], { env }).then(() => {}))
  const key = await run('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', 'pat-import <pat-import@example.invalid>', 'default', 'default', 'never'], {
    env,
  })
  if (key.code !== 0) throw new Error(`gpg --quick-gen-key failed: ${key.stderr}`)
  const init = await run('pass', ['init', 'pat-import@example.invalid'], { env })
  if (init.code !== 0) throw new Error(`pass init failed: ${init.stderr}`)
  const insert = await run('pass', ['insert', '--multiline', 'git/pass-token'], { env, input: `${S.pass}\n` })
  if (insert.code !== 0) throw new Error(`pass insert failed: ${insert.stderr}`)
  return env
}

/** list --json without what git's use of the tokens added and the secret's revision (observed and made here, not declared). */
const declared = async (sb: Sandbox, env: NodeJS.ProcessEnv) =>
  (JSON.parse((await sb.pat(['list', '--json'], { env })).stdout) as Record<string, unknown>[]).map(({ lastUsed: _l, secretRev: _s, ...r }) => r)

/** The sandbox's own state and config, over the source variables of another environment. */
const pick = (e: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
  HOME: e.HOME,
  XDG_CONFIG_HOME: e.XDG_CONFIG_HOME,
  GIT_CONFIG_GLOBAL: e.GIT_CONFIG_GLOBAL,
  GIT_CREDENTIAL_PAT_HOME: e.GIT_CREDENTIAL_PAT_HOME,
  GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE: e.GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE,
})

t.test('a manifest of four tokens: four clones, idempotent, exported and imported elsewhere alike', async t => {
  const srv = await startGitServer({
    repos: ['kc/app', 'env/app', 'file/app', 'pass/app'],
    tokens: [
      { token: S.kc, username: 'oauth2', paths: ['kc/'], access: 'read-write' },
      { token: S.env, username: 'ci', paths: ['env/'], access: 'read' },
      { token: S.file, username: 'mounted', paths: ['file/app'], access: 'read' },
      { token: S.pass, username: 'ops', paths: ['pass/'], access: 'read' },
    ],
  })
  t.teardown(() => srv.close())
  const sb = box('import')
  const env = { ...(await passStore(t, sb)), ENV_TOKEN: S.env, KC_SEED: S.kc }
  const secretFile = join(sb.dir, 'mounted-token')
  writeFileSync(secretFile, `${S.file}\n`, { mode: 0o600 })
  const origin = `http://127.0.0.1:${srv.port}`
  const manifest = {
    version: 1,
    tokens: [
      { name: 'kc', scope: `${origin}/kc/*`, username: 'oauth2', provider: 'gitlab', source: 'keychain', secretFrom: 'env:KC_SEED', expires: '2030-01-31' },
      { name: 'env', scope: `${origin}/env/*`, username: 'ci', source: 'env:ENV_TOKEN', access: 'read' },
      { name: 'file', scope: `${origin}/file/app`, username: 'mounted', source: `file:${secretFile}`, description: 'a mounted secret' },
      { name: 'pass', scope: `${origin}/pass/*`, username: 'ops', source: 'exec:pass show git/pass-token' },
    ],
  }
  const file = join(sb.dir, 'tokens.json')
  writeFileSync(file, JSON.stringify(manifest, null, 2))

  const first = await sb.pat(['import', file], { env })
  t.equal(first.code, 0, first.stderr)
  t.match(first.stdout, /imported .*: 4 added, 0 changed, 0 removed, 0 unchanged/)
  await ok(sb, ['setup'])
  for (const repo of ['kc', 'env', 'file', 'pass']) {
    const clone = await sb.git(['clone', srv.url(`${repo}/app`), repo], { env })
    t.equal(clone.code, 0, `${repo}: ${clone.stderr}`)
    t.same(srv.tokensSeen(`${repo}/app`), [S[repo as keyof typeof S]], `${repo}: its token, and only it, was sent`)
  }

  const again = await sb.pat(['import', file], { env })
  t.equal(again.code, 0, again.stderr)
  t.equal(again.stdout, `no change: the 4 tokens of ${file} are as declared\n`)

  const exported = await sb.pat(['export'], { env })
  t.equal(exported.code, 0, exported.stderr)
  for (const s of Object.values(S)) t.notMatch(exported.stdout, s, 'no secret in the export')
  const other = box('import-other')
  const into = await other.pat(['import', '-'], { env: { ...env, ...pick(other.env) }, input: exported.stdout })
  t.equal(into.code, 0, into.stderr)
  t.same(await declared(other, {}), await declared(sb, env), 'the same list --json in an empty home')
  await ok(other, ['setup'])
  const clone = await other.git(['clone', srv.url('kc/app'), 'kc'], { env: { ...env, ...pick(other.env) } })
  t.equal(clone.code, 0, `the keychain token works there too: ${clone.stderr}`)
})

t.test('one bad scope in a manifest of five changes nothing', async t => {
  const sb = box('import-bad')
  const ok4 = ['a', 'b', 'c', 'd'].map(n => ({ name: n, scope: `git.example.com/${n}`, username: 'u', source: `env:TOKEN_${n.toUpperCase()}` }))
  const file = join(sb.dir, 'four.json')
  writeFileSync(file, JSON.stringify({ version: 1, tokens: ok4 }))
  await ok(sb, ['import', file])
  const before = readFileSync(join(sb.env.GIT_CREDENTIAL_PAT_HOME!, 'tokens.json'), 'utf8')
  const config = readFileSync(sb.env.GIT_CONFIG_GLOBAL!, 'utf8')
  const five = [...ok4.map(e => ({ ...e, description: 'changed' })), { name: 'bad', scope: 'https://exa mple.com/x', username: 'u', source: 'env:X' }]
  writeFileSync(file, JSON.stringify({ version: 1, tokens: five }))
  const r = await sb.pat(['import', file])
  t.equal(r.code, 2, 'a usage error')
  t.equal(r.stdout, '')
  t.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`)
  t.match(r.stderr, /entry 5 \('bad'\): scope 'https:\/\/exa mple\.com\/x': .*not a valid host name; nothing was changed/)
  t.equal(readFileSync(join(sb.env.GIT_CREDENTIAL_PAT_HOME!, 'tokens.json'), 'utf8'), before, 'the metadata is byte for byte as before')
  t.equal(readFileSync(sb.env.GIT_CONFIG_GLOBAL!, 'utf8'), config, 'git config unchanged')
  const dry = await sb.pat(['import', file, '--dry-run'])
  t.equal(dry.code, 2, '--dry-run refuses it the same way')
})
