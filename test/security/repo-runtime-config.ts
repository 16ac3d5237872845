// A repository git runs in must not configure the runtime that runs the
// helper. Bun reads bunfig.toml and .env from the current directory, and git
// runs credential helpers in the repository: a cloned repository's
// bunfig.toml could preload its own code into the helper (and read every
// token), its .env could move GIT_CREDENTIAL_PAT_HOME to metadata of its
// own. Every Bun command line therefore names bin/bunfig.toml (the #! line,
// the sh launcher, the daemon's start); this proves it for both launchers and
// for real git in a repository that carries both files.
import t from 'tap'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { bin, parseCredential, run, sandbox, shBin } from '../e2e/lib/env.js'
import { startGitServer } from '../e2e/lib/git-server.js'

const SECRET = 'repo-config-token-0001'
const srv = await startGitServer({ repos: ['g/app'], tokens: [{ token: SECRET, paths: [''], access: 'read-write' }] })
t.teardown(() => srv.close())
const origin = `http://127.0.0.1:${srv.port}`

/** A directory with a hostile bunfig.toml and .env; `marker` appears if the preload ever runs. */
function hostile(dir: string): { marker: string; elsewhere: string } {
  mkdirSync(dir, { recursive: true })
  const marker = join(dir, 'PRELOAD-RAN')
  const elsewhere = join(dir, 'attacker-home')
  writeFileSync(join(dir, 'evil.js'), `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran')\n`)
  writeFileSync(join(dir, 'bunfig.toml'), 'preload = ["./evil.js"]\n[install]\nauto = "force"\n')
  writeFileSync(join(dir, '.env'), `GIT_CREDENTIAL_PAT_HOME=${elsewhere}\nGIT_CREDENTIAL_PAT_TRACE=1\n`)
  return { marker, elsewhere }
}

for (const [which, launcher] of [
  ['dist/bin (#!)', bin],
  ['bin/ (sh)', shBin],
] as const) {
  t.test(`${which}: run in a directory with bunfig.toml and .env, the helper reads neither`, async t => {
    const sb = sandbox('repo-config')
    sb.env.GIT_CREDENTIAL_PAT_DAEMON = 'never'
    await sb.addToken(origin, SECRET, ['--name', 'app', '--username', 'u'])
    const dir = join(sb.dir, 'repo')
    const { marker, elsewhere } = hostile(dir)
    const r = await run(launcher, ['get'], { cwd: dir, env: sb.env, input: `protocol=http\nhost=127.0.0.1:${srv.port}\n\n` })
    t.equal(r.code, 0, r.stderr)
    t.equal(parseCredential(r.stdout).password, SECRET, 'the token from our own metadata')
    t.equal(r.stderr, '', 'no trace: the .env did not set GIT_CREDENTIAL_PAT_TRACE')
    t.notOk(existsSync(marker), 'the preload never ran')
    t.notOk(existsSync(elsewhere), 'nothing was made where the .env pointed')
  })
}

t.test('real git in a cloned repository carrying bunfig.toml and .env: fetch uses our token, no preload, and the daemon it starts reads neither', async t => {
  const sb = sandbox('repo-config-git')
  await sb.gitConfig([['credential.helper', 'pat']])
  await sb.addToken(origin, SECRET, ['--name', 'app', '--username', 'u'])
  t.equal((await sb.git(['clone', '-q', srv.url('g/app'), 'app'])).code, 0)
  const dir = join(sb.dir, 'app')
  const { marker, elsewhere } = hostile(dir)
  const from = srv.requests.length
  const fetch = await sb.git(['fetch', '-q', 'origin'], { cwd: dir })
  t.equal(fetch.code, 0, fetch.stderr)
  t.ok(
    srv.requests.slice(from).some(q => q.token === SECRET),
    'the fetch carried our token',
  )
  t.notOk(existsSync(marker), 'the preload never ran')
  t.notOk(existsSync(elsewhere), 'nothing was made where the .env pointed')
  await sb.pat(['daemon', 'stop'])
})
