// The prompt's flow: the answer to git, the pending credential that waits
// for git's verdict, and nothing left behind when the user declines.
import t from 'tap'
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promptForToken, promptProvider } from '../../src/prompt/prompt.js'
import { addPending, dropPending, settlePending, takePending, PENDING_TTL_MS, type PendingEntry } from '../../src/state/pending.js'
import { Cancelled } from '../../src/prompt/tty.js'
import { emptyCredential } from '../../src/core/protocol.js'
import { readMetadata } from '../../src/state/tokens.js'
import { NOW, cand, cred, fakeIo, tok } from './lib/fixtures.js'
import { useTestKeychain } from '../lib/context.js'

// As the entry point does: the keychain of this process's environment is the one in use.
useTestKeychain()

function sandboxEnv(t: { testdir: (fixture?: Record<string, string>) => string }): NodeJS.ProcessEnv {
  const dir = t.testdir({ gitconfig: '' })
  return {
    ...process.env,
    GIT_CREDENTIAL_PAT_HOME: join(dir, 'pat'),
    GIT_CONFIG_GLOBAL: join(dir, 'gitconfig'),
    GIT_CONFIG_NOSYSTEM: '1',
  }
}

function entry(extra: Partial<PendingEntry> = {}): PendingEntry {
  return {
    created: NOW.toISOString(),
    protocol: 'https',
    host: 'gitlab.com',
    path: 'g/r.git',
    username: 'oauth2',
    password: 'glpat-typed',
    choice: 'host',
    scope: 'gitlab.com',
    expires: null,
    provider: 'gitlab',
    name: 'gitlab.com-m',
    url: 'https://gitlab.com/g/r.git',
    ...extra,
  }
}

t.test('pending: 0600 file in a 0700 directory, matched only by the exact credential', async t => {
  const dir = join(t.testdir(), 'pending')
  const file = addPending(dir, entry(), NOW)
  t.equal(statSync(dir).mode & 0o777, 0o700)
  t.equal(statSync(file).mode & 0o777, 0o600)
  const base = 'protocol=https\nhost=gitlab.com\npath=g/r.git\nusername=oauth2\npassword='
  t.equal(takePending(dir, cred(base + 'other'), NOW), null, 'another password')
  t.equal(takePending(dir, cred(base.replace('g/r.git', 'g/s.git') + 'glpat-typed'), NOW), null, 'another path')
  t.equal(takePending(dir, cred(base.replace('oauth2', 'bob') + 'glpat-typed'), NOW), null, 'another user')
  t.equal(takePending(dir, cred(base.replace('https', 'http') + 'glpat-typed'), NOW), null, 'another protocol')
  t.equal(takePending(dir, cred('protocol=https\nhost=gitlab.com\nusername=oauth2\npassword=glpat-typed'), NOW), null, 'no path')
  t.equal(takePending(dir, cred(base + 'glpat-typed'), NOW)?.scope, 'gitlab.com')
  t.same(readdirSync(dir), [], 'taken means gone')
})

t.test('pending: erase drops it; entries older than ten minutes vanish on any access', async t => {
  const dir = join(t.testdir(), 'pending')
  addPending(dir, entry(), NOW)
  t.equal(dropPending(dir, cred('protocol=https\nhost=gitlab.com\npassword=nope'), NOW), 0, 'a different password is not dropped')
  t.equal(dropPending(dir, cred('protocol=https\nhost=gitlab.com\npath=g/r.git\nusername=oauth2\npassword=glpat-typed'), NOW), 1)
  t.same(readdirSync(dir), [])

  const old = addPending(dir, entry({ created: new Date(NOW.getTime() - PENDING_TTL_MS - 1000).toISOString() }), NOW)
  const stale = join(dir, '.left-by-a-killed-prompt.tmp')
  writeFileSync(stale, '{', { mode: 0o600 })
  const past = new Date(NOW.getTime() - 2 * PENDING_TTL_MS)
  utimesSync(stale, past, past)
  const fresh = addPending(dir, entry({ password: 'fresh' }), NOW)
  t.notOk(existsSync(old), 'the old entry is gone as soon as another is added')
  t.notOk(existsSync(stale))
  t.ok(existsSync(fresh))
  const later = new Date(NOW.getTime() + PENDING_TTL_MS + 1000)
  t.equal(dropPending(dir, cred('protocol=https\nhost=elsewhere'), later), 0)
  t.notOk(existsSync(fresh), 'expired on the next access')
})

t.test('settlePending: "not at all" and "session" (no daemon) save nothing, and stop store', async t => {
  for (const choice of ['none', 'session'] as const) {
    const env = sandboxEnv(t)
    const home = env.GIT_CREDENTIAL_PAT_HOME!
    addPending(join(home, 'pending'), entry({ choice, scope: undefined }), NOW)
    const c = cred('protocol=https\nhost=gitlab.com\npath=g/r.git\nusername=oauth2\npassword=glpat-typed')
    t.equal(await settlePending(c, env, NOW), true, `${choice}: ours`)
    t.same(readMetadata(join(home, 'tokens.json')).tokens, [], `${choice}: nothing saved`)
    t.equal(await settlePending(c, env, NOW), false, 'only once')
  }
})

t.test("the renewal prompt uses the renewed token's recorded provider on a host whose name says nothing", async t => {
  const env = sandboxEnv(t)
  const c = cred('protocol=https\nhost=git.example.internal\npath=team/app.git')
  const old = cand(tok('team', 'git.example.internal/team/*', { provider: 'gitlab', expires: '2026-01-01T00:00:00.000Z' }), 'expired')
  const io = fakeIo(['glpat-new', '', ''])
  const out = await promptForToken(c, [old], { env, now: NOW, io: io.io })
  t.match(out, 'username=oauth2\npassword=glpat-new', "GitLab's username convention")
  t.match(io.shown.join('\n'), 'https://git.example.internal/-/user_settings/personal_access_tokens?name=team&', "GitLab's token page, named for the token")
  const pending = join(env.GIT_CREDENTIAL_PAT_HOME!, 'pending')
  t.match(takePending(pending, cred('protocol=https\nhost=git.example.internal\npath=team/app.git\nusername=oauth2\npassword=glpat-new'), NOW), {
    provider: 'gitlab',
    name: 'team',
  })
  t.equal(promptProvider(undefined, [], 'git.example.internal'), 'generic', 'nothing recorded, nothing configured: the guess')
  t.equal(promptProvider('gitea', [old], 'git.example.internal'), 'gitea', 'git config credential.<url>.patProvider comes first')
})

t.test('promptForToken: answers git, holds the token as pending; Ctrl-C leaves nothing', async t => {
  const env = sandboxEnv(t)
  const pending = join(env.GIT_CREDENTIAL_PAT_HOME!, 'pending')
  const c = cred('protocol=https\nhost=gitlab.com\npath=g/r.git')
  const ok = fakeIo(['glpat-abc', '2027-01-31', 'group'])
  const out = await promptForToken(c, [], { env, now: NOW, io: ok.io })
  t.equal(out, 'username=oauth2\npassword=glpat-abc\npassword_expiry_utc=1801353600\n')
  t.ok(ok.isClosed(), 'the terminal is closed')
  const files = readdirSync(pending)
  t.equal(files.length, 1)
  t.equal(statSync(join(pending, files[0])).mode & 0o777, 0o600)
  t.equal(takePending(pending, cred('protocol=https\nhost=gitlab.com\npath=g/r.git\nusername=oauth2\npassword=glpat-abc'), NOW)?.scope, 'gitlab.com/g/*')

  const cancel = fakeIo(['glpat-abc', '90d', new Cancelled()])
  t.equal(await promptForToken(c, [], { env, now: NOW, io: cancel.io }), 'quit=1\n', 'Ctrl-C tells git to stop')
  t.same(readdirSync(pending), [], 'nothing pending after Ctrl-C')

  t.equal(await promptForToken(c, [], { env, now: NOW, io: fakeIo(['']).io }), '', 'no token: git asks its own way')
  t.same(readdirSync(pending), [])
  t.equal(await promptForToken({ ...emptyCredential(), protocol: 'https' }, [], { env, now: NOW, io: fakeIo([]).io }), '', 'no host: nothing')
})
