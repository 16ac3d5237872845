// git's credential-store file, written by the
// real `git credential-store`, with three lines (a repository path, a host
// with a port, a plain host) moves into the keychain; its lines leave the
// file only after the keychain holds them (a keyring that cannot write
// leaves the file and git config as they were); clones still work once
// `credential.helper store` is gone.
import t from 'tap'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseCredential } from './lib/env.js'
import { startGitServer } from './lib/git-server.js'
import { keychainOp } from './lib/keyring.js'
import { box, listJson, ok, onTty } from './lib/cli.js'

const S = { path: 'gitcred-path-secret-0001', port: 'gitcred-port-secret-0002', plain: 'gitcred-plain-secret-003' }

t.test('import --from-git-credentials: three lines into the keychain, then the plaintext and the store helper go', async t => {
  const srv = await startGitServer({
    repos: ['a/app', 'b/app'],
    tokens: [
      { token: S.path, username: 'alice', paths: ['a/app'], access: 'read' },
      { token: S.port, username: 'bob', paths: ['b/'], access: 'read' },
    ],
  })
  t.teardown(() => srv.close())
  const sb = box('gitcred')
  const origin = `http://127.0.0.1:${srv.port}`
  await sb.gitConfig([
    ['credential.helper', 'store'],
    [`credential.${origin}.useHttpPath`, 'true'],
  ])
  // As git itself writes them (a port is stored as %3a, the user name encoded).
  const lines = [
    `protocol=http\nhost=127.0.0.1:${srv.port}\npath=a/app.git\nusername=alice\npassword=${S.path}\n`,
    `protocol=http\nhost=localhost:${srv.port}\nusername=bob\npassword=${S.port}\n`,
    `protocol=https\nhost=git.example.com\nusername=carol@example.com\npassword=${S.plain}\n`,
  ]
  for (const input of lines) t.equal((await sb.git(['credential-store', 'store'], { input })).code, 0)
  const plaintext = join(sb.env.HOME!, '.git-credentials')
  const original = readFileSync(plaintext, 'utf8')
  t.equal(original.trim().split('\n').length, 3)
  const config = readFileSync(sb.env.GIT_CONFIG_GLOBAL!, 'utf8')

  // A keyring that cannot take the secrets: nothing leaves the file or git config.
  const noBus = { DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(sb.dir, 'no-such-bus')}` }
  const failed = await sb.pat(['import', '--from-git-credentials', '--remove-plaintext', '--remove-other-helpers'], { env: noBus })
  t.equal(failed.code, 1, failed.stdout)
  t.match(failed.stderr, /not moved \(.*\.git-credentials lines 1, 2, 3 kept\): the keyring/)
  t.equal(readFileSync(plaintext, 'utf8'), original, 'the plaintext lines are kept when the keychain write fails')
  t.equal(readFileSync(sb.env.GIT_CONFIG_GLOBAL!, 'utf8'), config, 'so is the store helper')
  t.same(await listJson(sb), [], 'and no token was recorded')

  await ok(sb, ['setup', '--keep-other-helpers'])
  // No terminal and no flags: moved, but the file and the helper are kept, saying how to remove them.
  const moved = await sb.pat(['import', '--from-git-credentials'])
  t.equal(moved.code, 0, moved.stderr)
  t.match(moved.stdout, new RegExp(`moved http://127\\.0\\.0\\.1:${srv.port}/a/app \\(user alice\\) into the keychain as '127\\.0\\.0\\.1-a-app-`))
  t.match(moved.stdout, new RegExp(`moved http://localhost:${srv.port} \\(user bob\\) into the keychain`))
  t.match(moved.stdout, /moved git\.example\.com \(user carol@example\.com\) into the keychain/)
  t.match(moved.stderr, /to remove them: git-credential-pat import --from-git-credentials --remove-plaintext/)
  t.match(moved.stderr, /git still asks credential\.helper 'store'/)
  t.equal(readFileSync(plaintext, 'utf8'), original, 'kept without a yes')
  for (const s of Object.values(S)) t.notMatch(moved.stdout + moved.stderr, s, 'no secret in the output')

  const tokens = await listJson(sb)
  t.same(
    tokens.map(x => [x.scope, x.username, x.source]).sort(),
    [
      ['git.example.com', 'carol@example.com', 'keychain'],
      [`http://127.0.0.1:${srv.port}/a/app`, 'alice', 'keychain'],
      [`http://localhost:${srv.port}`, 'bob', 'keychain'],
    ],
    'scoped exactly as git stored them, usernames kept',
  )
  const want: Record<string, string> = { 'git.example.com': S.plain, [`${origin}/a/app`]: S.path, [`http://localhost:${srv.port}`]: S.port }
  for (const x of tokens) t.equal(JSON.parse(await keychainOp(sb.env, 'get', x.name)), want[x.scope], `${x.scope}: its secret is in the keychain`)

  const done = await sb.pat(['import', '--from-git-credentials', '--remove-plaintext', '--remove-other-helpers'])
  t.equal(done.code, 0, done.stderr)
  t.match(done.stdout, /is already in the keychain as/)
  t.match(done.stdout, /removed 3 lines from .*\.git-credentials, and the file, now empty/)
  t.match(done.stdout, /removed credential helper 'store' from/)
  t.notOk(existsSync(plaintext), 'the plaintext lines are gone, and the file they left empty')
  t.notMatch(readFileSync(sb.env.GIT_CONFIG_GLOBAL!, 'utf8'), /helper = store/)
  t.same(await listJson(sb).then(l => l.length), 3, 'running again added nothing')

  const a = await sb.git(['clone', srv.url('a/app'), 'a'])
  t.equal(a.code, 0, a.stderr)
  const b = await sb.git(['clone', srv.url('b/app', { host: 'localhost' }), 'b'])
  t.equal(b.code, 0, b.stderr)
  t.same(srv.tokensSeen('a/app'), [S.path])
  t.same(srv.tokensSeen('b/app'), [S.port])
  const fill = await sb.git(['credential', 'fill'], { input: 'url=https://git.example.com/any/repo.git\n\n' })
  t.same(
    { username: parseCredential(fill.stdout).username, password: parseCredential(fill.stdout).password },
    { username: 'carol@example.com', password: S.plain },
    'git gets the plain-host token from pat',
  )
  t.notOk(existsSync(plaintext), 'and git wrote nothing back to the plaintext file')
})

t.test('at a terminal: asked before the plaintext lines and the store helper go', async t => {
  const sb = box('gitcred-tty')
  await sb.gitConfig([['credential.helper', 'store']])
  const input = 'protocol=https\nhost=tty.example.com\nusername=dora\npassword=gitcred-tty-secret-0001\n'
  t.equal((await sb.git(['credential-store', 'store'], { input })).code, 0)
  const plaintext = join(sb.env.HOME!, '.git-credentials')
  const r = await onTty(
    sb,
    ['import', '--from-git-credentials'],
    [
      { after: /Remove the 1 moved credential from .*\.git-credentials \(plaintext\)\? \[Y\/n\]/, text: 'y\r' },
      { after: /Remove git's store helper from your git config, so git stops writing the file\? \[Y\/n\]/, text: '\r' },
    ],
  )
  t.equal(r.code, 0, r.screen)
  t.match(r.screen, /moved tty\.example\.com \(user dora\) into the keychain/)
  t.notMatch(r.screen, /gitcred-tty-secret/, 'the secret is never shown')
  t.notOk(existsSync(plaintext), 'yes: the line went, and the file it left empty')
  const config = readFileSync(sb.env.GIT_CONFIG_GLOBAL!, 'utf8')
  t.notMatch(config, /helper = store/, 'yes (the default): the store helper went')
  t.match(config, /helper = pat/, 'and pat asks instead, as no helper of ours was left')
  const fill = await sb.git(['credential', 'fill'], { input: 'url=https://tty.example.com/r.git\n\n' })
  t.equal(parseCredential(fill.stdout).password, 'gitcred-tty-secret-0001')
})

t.test(
  '--dry-run lists what would move and go, and changes nothing; then, at a terminal, the list comes before the question and nothing empty is left',
  async t => {
    const sb = box('gitcred-dry')
    await sb.gitConfig([['credential.helper', 'store']])
    const creds = [
      'protocol=https\nhost=one.example.com\nusername=erin\npassword=gitcred-dry-secret-0001\n',
      'protocol=https\nhost=two.example.com\nusername=finn\npassword=gitcred-dry-secret-0002\n',
    ]
    for (const input of creds) t.equal((await sb.git(['credential-store', 'store'], { input })).code, 0)
    const plaintext = join(sb.env.HOME!, '.git-credentials')
    const original = readFileSync(plaintext, 'utf8')
    const config = readFileSync(sb.env.GIT_CONFIG_GLOBAL!, 'utf8')

    // No keyring to reach: a dry run must not need it.
    const noBus = { DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(sb.dir, 'no-such-bus')}` }
    const dry = await sb.pat(['import', '--from-git-credentials', '--dry-run'], { env: noBus })
    t.equal(dry.code, 0, dry.stderr)
    t.match(dry.stdout, 'would move one.example.com (user erin) into the keychain')
    t.match(dry.stdout, 'would move two.example.com (user finn) into the keychain')
    t.match(dry.stdout, /would then remove 2 lines from .*\.git-credentials/)
    t.match(dry.stdout, /dry run: nothing was changed/)
    t.notMatch(dry.stdout + dry.stderr, /gitcred-dry-secret/)
    t.equal(readFileSync(plaintext, 'utf8'), original, 'the file is as it was')
    t.equal(readFileSync(sb.env.GIT_CONFIG_GLOBAL!, 'utf8'), config, 'so is git config')
    t.same(await listJson(sb), [], 'no token recorded')

    const r = await onTty(
      sb,
      ['import', '--from-git-credentials'],
      [
        { after: /Remove the 2 moved credentials from .*\.git-credentials \(plaintext\)\? \[Y\/n\]/, text: 'y\r' },
        { after: /Remove git's store helper from your git config, so git stops writing the file\? \[Y\/n\]/, text: 'y\r' },
      ],
    )
    t.equal(r.code, 0, r.screen)
    const asked = r.screen.indexOf('Remove the 2 moved')
    t.ok(asked > r.screen.indexOf('moved one.example.com (user erin)') && asked > r.screen.indexOf('moved two.example.com (user finn)'), r.screen)
    t.ok(r.screen.indexOf('moved one.example.com') >= 0, 'the moved credentials are listed before the question')
    t.notOk(existsSync(plaintext), 'the emptied credential file is removed, not left at 0 bytes')
    const after = readFileSync(sb.env.GIT_CONFIG_GLOBAL!, 'utf8')
    t.notMatch(after, /helper = store/)
    t.notMatch(after, /\[credential\]\s*(\[|$)/, `no empty [credential] section:\n${after}`)
    const fill = await sb.git(['credential', 'fill'], { input: 'url=https://two.example.com/r.git\n\n' })
    t.equal(parseCredential(fill.stdout).password, 'gitcred-dry-secret-0002')
  },
)
