// The prompt (SPEC §7), pure parts: when we may ask, what we ask, how an
// answer becomes a scope, and the pending credential that waits for git.
import t from 'tap'
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { askQuestions, makePlan, parseChoice, promptForToken, promptMode, reasons, scopeFor, type Io, type ModeInputs } from '../../src/prompt/prompt.js'
import { addPending, dropPending, settlePending, takePending, PENDING_TTL_MS, type PendingEntry } from '../../src/state/pending.js'
import { Cancelled } from '../../src/prompt/tty.js'
import { parseScope } from '../../src/core/scope.js'
import { emptyCredential, parseCredential, type Credential } from '../../src/core/protocol.js'
import type { Candidate } from '../../src/core/select.js'
import type { TokenRecord } from '../../src/state/tokens.js'
import { readMetadata } from '../../src/state/tokens.js'
import { tokenRecord } from '../lib/token.js'

const NOW = new Date('2026-06-15T12:00:00Z')

const cred = (text: string): Credential => parseCredential(text + '\n\n')

/** A scripted terminal: answers in order, records what was asked and shown. */
function fakeIo(answers: Array<string | Error>, kind: 'tty' | 'askpass' = 'tty') {
  const asked: Array<{ q: string; hidden: boolean }> = []
  const shown: string[] = []
  let closed = false
  const io: Io = {
    kind,
    info: text => void shown.push(text),
    ask: async (q, hidden) => {
      asked.push({ q, hidden })
      const a = answers.shift()
      if (a === undefined) throw new Error(`unexpected question: ${q}`)
      if (a instanceof Error) throw a
      return a
    },
    close: () => void (closed = true),
  }
  if (kind === 'askpass') {
    io.probe = async q => {
      asked.push({ q, hidden: false })
      const a = answers.shift()
      return a instanceof Error ? undefined : a
    }
  }
  return { io, asked, shown, isClosed: () => closed }
}

function mode(env: NodeJS.ProcessEnv, o: Partial<Omit<ModeInputs, 'env'>> = {}) {
  return promptMode({ env, interactive: () => undefined, askPass: () => undefined, hasTty: () => true, ...o })
}

t.test('promptMode follows git: askpass first, then the terminal unless forbidden', async t => {
  t.same(mode({}), { kind: 'tty' })
  t.same(mode({}, { hasTty: () => false }), null, 'no controlling terminal')
  t.same(mode({ GIT_TERMINAL_PROMPT: '0' }), null)
  t.same(mode({ GIT_TERMINAL_PROMPT: 'false' }), null)
  t.same(mode({ GIT_TERMINAL_PROMPT: '1' }), { kind: 'tty' })
  t.same(mode({ CI: 'true' }), null, 'CI without askpass')
  t.same(mode({ CI: 'false' }), { kind: 'tty' })
  t.same(mode({}, { interactive: () => 'false' }), null)
  t.same(mode({}, { interactive: () => 'never' }), null)
  t.same(mode({ GIT_ASKPASS: '/a' }, { interactive: () => 'false' }), null, 'credential.interactive=false beats askpass')
  t.same(mode({}, { interactive: () => 'true' }), { kind: 'tty' })
  // git's order: GIT_ASKPASS, core.askPass, SSH_ASKPASS.
  t.same(mode({ GIT_ASKPASS: '/a', SSH_ASKPASS: '/s' }, { askPass: () => '/c' }), { kind: 'askpass', command: '/a' })
  t.same(mode({ SSH_ASKPASS: '/s' }, { askPass: () => '/c' }), { kind: 'askpass', command: '/c' })
  t.same(mode({ SSH_ASKPASS: '/s' }), { kind: 'askpass', command: '/s' })
  t.same(mode({ GIT_ASKPASS: '', SSH_ASKPASS: '/s' }), { kind: 'tty' }, 'an empty GIT_ASKPASS wins and means no askpass')
  t.same(mode({ GIT_ASKPASS: '/a', GIT_TERMINAL_PROMPT: '0' }), { kind: 'askpass', command: '/a' }, 'as in git, askpass is allowed without terminal prompts')
  t.same(mode({ GIT_ASKPASS: '/a', CI: 'true' }, { hasTty: () => false }), { kind: 'askpass', command: '/a' })
})

const tok = (name: string, scope: string, extra: Partial<TokenRecord> = {}): TokenRecord => tokenRecord({ name, scope, ...extra })
const cand = (token: TokenRecord, unusable?: Candidate['unusable']): Candidate => ({ token, scope: parseScope(token.scope), rank: 0, unusable })

t.test('reasons say why we ask', async t => {
  t.same(reasons([], 'https://h/x'), ['no token for https://h/x'])
  const r = reasons(
    [
      cand(tok('old', 'h', { expires: '2026-06-01T00:00:00.000Z' }), 'expired'),
      cand(tok('bad', 'h', { state: 'rejected', rejected: { at: '2026-06-10T08:00:00.000Z', url: 'https://h/x' } }), 'rejected'),
      cand(tok('off', 'h', { state: 'disabled' }), 'disabled'),
    ],
    'https://h/x',
  ).join('\n')
  t.match(r, /no usable token for https:\/\/h\/x/)
  t.match(r, "token 'old' expired on 2026-06-01")
  t.match(r, "token 'bad' was rejected by the server on 2026-06-10")
  t.match(r, "token 'off' is disabled")
})

t.test('scopeFor: repository, group, host', async t => {
  const base = { ...parseScope('gitlab.com/group/sub/app'), username: undefined }
  t.same(scopeFor('repo', base)?.path, ['group', 'sub', 'app'])
  t.same(scopeFor('group', base), { ...base, path: ['group', 'sub'], wildcard: true })
  t.same(scopeFor('host', base)?.path, [])
  t.equal(scopeFor('session', base), null)
  const host = parseScope('gitlab.com')
  t.equal(scopeFor('repo', host), null, 'no path: no repository choice')
  t.equal(scopeFor('group', parseScope('gitlab.com/app')), null, 'one segment: no group')
})

t.test('makePlan: link, name, username convention, choices', async t => {
  const gl = makePlan(cred('protocol=https\nhost=gitlab.example.com:8443\npath=team/app.git'), [], { provider: 'gitlab', machine: 'box.lan', session: false })!
  t.equal(gl.url, 'https://gitlab.example.com:8443/team/app.git')
  t.equal(gl.name, 'gitlab.example.com-box')
  t.equal(gl.link, 'https://gitlab.example.com:8443/-/user_settings/personal_access_tokens?name=gitlab.example.com-box&scopes=read_repository,write_repository')
  t.equal(gl.username, 'oauth2')
  t.same(
    gl.choices.map(c => [c.choice, c.scope]),
    [
      ['repo', 'gitlab.example.com:8443/team/app'],
      ['group', 'gitlab.example.com:8443/team/*'],
      ['host', 'gitlab.example.com:8443'],
      ['session', undefined],
      ['none', undefined],
    ],
  )
  t.equal(gl.defaultChoice, 'host')

  const plainHttp = makePlan(cred('protocol=http\nhost=127.0.0.1:8080'), [], { provider: 'gitlab', machine: 'm', session: true })!
  t.match(plainHttp.link, /^http:\/\/127\.0\.0\.1:8080\/-\/user_settings/, 'an http forge gets an http link')
  t.same(
    plainHttp.choices.map(c => c.choice),
    ['host', 'session', 'none'],
    'no path, no repository or group choice',
  )
  t.same(plainHttp.choices.find(c => c.choice === 'host')?.scope, 'http://127.0.0.1:8080')

  const gh = makePlan(cred('protocol=https\nhost=github.com'), [], { provider: 'github', machine: 'm', session: false })!
  t.equal(gh.link, 'https://github.com/settings/tokens/new?description=github.com-m&scopes=repo')
  t.match(gh.extraLinks[0], 'https://github.com/settings/personal-access-tokens/new')
  t.equal(gh.username, 'x-access-token')

  const gitea = makePlan(cred('protocol=https\nhost=codeberg.org\npath=me/x'), [], { provider: 'gitea', machine: 'm', session: false })!
  t.equal(gitea.username, undefined, 'gitea needs the account name')
  t.equal(gitea.link, 'https://codeberg.org/user/settings/applications')
  const named = makePlan(cred('protocol=https\nhost=codeberg.org\nusername=me'), [], { provider: 'gitea', machine: 'm', session: false })!
  t.equal(named.username, 'me', 'unless git sent one')

  const bb = makePlan(cred('protocol=https\nhost=bitbucket.org\npath=ws/repo.git'), [], { provider: 'bitbucket', machine: 'm', session: false })!
  t.equal(bb.username, 'x-token-auth')
  t.equal(bb.defaultChoice, 'repo', 'repository tokens are the norm on Bitbucket')
  t.equal(bb.link, 'https://bitbucket.org/ws/repo/admin/access-tokens')

  const lp = makePlan(cred('protocol=https\nhost=git.launchpad.net\npath=~me/proj/+git/repo'), [], { provider: 'launchpad', machine: 'm', session: false })!
  t.equal(lp.link, 'https://code.launchpad.net/~me/proj/+git/repo/+access-tokens')

  const generic = makePlan(cred('protocol=https\nhost=git.example.com'), [], { provider: 'generic', machine: 'm', session: false })!
  t.equal(generic.link, undefined, 'no token page for generic forges')
})

t.test('parseChoice: numbers, words, the default', async t => {
  const plan = makePlan(cred('protocol=https\nhost=gitlab.com\npath=g/r'), [], { provider: 'gitlab', machine: 'm', session: true })!
  t.equal(parseChoice('', plan), 'host')
  t.equal(parseChoice('1', plan), 'repo')
  t.equal(parseChoice('2', plan), 'group')
  t.equal(parseChoice(' 5 ', plan), 'none')
  t.equal(parseChoice('9', plan), undefined)
  t.equal(parseChoice('Group', plan), 'group')
  t.equal(parseChoice('this repository', plan), 'repo')
  t.equal(parseChoice('no', plan), 'none')
  t.equal(parseChoice('session', plan), 'session')
  t.equal(parseChoice('banana', plan), undefined)
  t.equal(plan.choices.find(c => c.choice === 'session')?.scope, 'gitlab.com', 'a session token covers what the default covers')
  const hostOnly = makePlan(cred('protocol=https\nhost=gitlab.com'), [], { provider: 'gitlab', machine: 'm', session: true })!
  t.equal(parseChoice('repo', hostOnly), undefined, 'not offered without a path')
})

t.test('askQuestions: the whole flow on a terminal', async t => {
  const plan = makePlan(cred('protocol=https\nhost=codeberg.org\npath=me/app.git'), [], { provider: 'gitea', machine: 'm', session: false })!
  const f = fakeIo(['me', 'tok-123', '2027-01-31', '2'])
  const a = await askQuestions(plan, f.io, NOW)
  t.same(a, { username: 'me', secret: 'tok-123', expires: '2027-01-31T00:00:00.000Z', choice: 'group', scope: 'codeberg.org/me/*' })
  t.same(
    f.asked.map(q => q.hidden),
    [false, true, false, false],
    'only the token is hidden',
  )
  t.match(f.asked[0].q, "Username for 'https://codeberg.org/me/app.git'")
  t.match(f.asked[1].q, /Token for .*input hidden/)
  t.match(f.shown[0], 'no token for https://codeberg.org/me/app.git')
  t.match(f.shown[0], 'https://codeberg.org/user/settings/applications')
  t.match(f.shown.join('\n'), /1\) this repository +codeberg\.org\/me\/app/)
  t.notMatch(f.shown.join('\n') + f.asked.map(q => q.q).join('\n'), 'tok-123', 'the token is never shown back')
})

t.test('askQuestions: conventions skip the username; bad answers are asked again', async t => {
  const plan = makePlan(cred('protocol=https\nhost=gitlab.com\npath=g/r'), [], { provider: 'gitlab', machine: 'm', session: false })!
  const f = fakeIo(['has space', 'glpat-x', 'soon', '2020-01-01', '90d', 'banana', ''])
  const a = await askQuestions(plan, f.io, NOW)
  t.same(a, { username: 'oauth2', secret: 'glpat-x', expires: '2026-09-13T00:00:00.000Z', choice: 'host', scope: 'gitlab.com' })
  t.match(f.shown.join('\n'), /spaces or control characters/)
  t.match(f.shown.join('\n'), /in the past/)
  t.notMatch(f.shown.join('\n'), 'has space', 'not even a malformed token is echoed')
  t.equal(f.asked.length, 7)
})

t.test('askQuestions: empty token declines, Ctrl-C cancels', async t => {
  const plan = makePlan(cred('protocol=https\nhost=gitlab.com'), [], { provider: 'gitlab', machine: 'm', session: false })!
  t.equal(await askQuestions(plan, fakeIo(['']).io, NOW), null)
  const err = await askQuestions(plan, fakeIo(['glpat-x', new Cancelled()]).io, NOW).catch(e => e)
  t.ok(err instanceof Cancelled, 'Ctrl-C at the expiry question')
})

t.test('askQuestions over askpass: one line per question, reason and link first', async t => {
  const expired = cand(tok('old', 'gitlab.com', { expires: '2026-06-01T00:00:00.000Z' }), 'expired')
  const plan = makePlan(cred('protocol=https\nhost=gitlab.com\npath=g/r'), [expired], { provider: 'gitlab', machine: 'm', session: false })!
  const f = fakeIo(['y', 'glpat-x', '', 'repo'], 'askpass')
  const a = await askQuestions(plan, f.io, NOW)
  t.same(a, { username: 'oauth2', secret: 'glpat-x', expires: null, choice: 'repo', scope: 'gitlab.com/g/r' })
  t.ok(
    f.asked.every(q => !q.q.includes('\n')),
    'single-line questions',
  )
  t.match(f.asked[0].q, "no usable token for https://gitlab.com/g/r: token 'old' expired on 2026-06-01")
  t.match(f.asked[0].q, 'https://gitlab.com/-/user_settings/personal_access_tokens?name=gitlab.com-m')
  t.match(f.asked[1].q, /^Token for 'https:\/\/gitlab\.com\/g\/r' \(create one at https:/)
  t.match(f.asked[3].q, /1\) this repository gitlab\.com\/g\/r, 2\) the group/)
  t.same(f.shown, [], 'nothing on stderr')
})

t.test('askQuestions over askpass: a program that does not understand us is left alone', async t => {
  const plan = makePlan(cred('protocol=https\nhost=example.com'), [], { provider: 'generic', machine: 'm', session: false })!
  // git's t0303 askpass answers `askpass-<first word>` to everything.
  const dumb = fakeIo(['askpass-gitcredentialpat'], 'askpass')
  t.equal(await askQuestions(plan, dumb.io, NOW), 'silent')
  t.equal(dumb.asked.length, 1, 'one probe, then nothing')
  t.same(dumb.shown, [])
  const failing = fakeIo([new Error('exit 1')], 'askpass')
  t.equal(await askQuestions(plan, failing.io, NOW), 'silent', 'a failing askpass too')
  const no = fakeIo(['n'], 'askpass')
  t.equal(await askQuestions(plan, no.io, NOW), null, 'n: the user declines')
  const yes = fakeIo(['', 'me', 'tok', '', '1'], 'askpass')
  t.same(await askQuestions(plan, yes.io, NOW), { username: 'me', secret: 'tok', expires: null, choice: 'host', scope: 'example.com' }, 'empty = yes')
})

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
