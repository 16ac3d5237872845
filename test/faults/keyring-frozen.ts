// Fault: the keyring daemon frozen (SIGSTOP). keytar's call
// then blocks ~50 s (libsecret's D-Bus timeouts) and used to keep every
// command, and git with it, waiting that long. Each command must return
// within the bound with its one-line message; get prints nothing and exits 0
// so git goes on; one unanswered call makes the rest of the command fail at
// once (a get over three tokens does not take 3 × 5 s).
import t from 'tap'
import { sandbox } from '../e2e/lib/env.js'
import { privateKeyring } from './lib/private-keyring.js'
import { BOUND_MS, pat, timed } from './lib/timed.js'

const oneLine = (s: string) => s.trim().split('\n').length === 1

t.test('a frozen keyring: every command returns within the bound, get falls through', async t => {
  const kr = await privateKeyring(t)
  const sb = sandbox('fault-frozen')
  const env = { ...sb.env, ...kr.env }
  // Three tokens that may answer one request: each would be a keychain read.
  for (const [name, scope, secret] of [
    ['repo', 'http://127.0.0.1/g/r', 'frozen-secret-repo-0001'],
    ['group', 'http://127.0.0.1/g/*', 'frozen-secret-group-0002'],
    ['host', 'http://127.0.0.1', 'frozen-secret-host-0003'],
  ]) {
    const r = await pat(['add', scope, '--token-stdin', '--username', 'u', '--name', name], { env, input: secret })
    t.equal(r.code, 0, r.stderr)
  }
  await sb.gitConfig([
    ['credential.helper', 'pat'],
    ['credential.useHttpPath', 'true'],
  ])
  const before = await pat(['get'], { env, input: 'protocol=http\nhost=127.0.0.1\npath=g/r\n\n' })
  t.match(before.stdout, /password=frozen-secret-repo-0001/, 'the keyring answers before the freeze')

  kr.freeze()
  try {
    const get = 'protocol=http\nhost=127.0.0.1\npath=g/r\n\n'
    const sayAlways = { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'credential.pat.warnInterval', GIT_CONFIG_VALUE_0: '0' }
    const runs: Array<[string, () => ReturnType<typeof pat>]> = [
      ['get', () => pat(['get'], { env, input: get })],
      // The keyring's trouble is said once per warnInterval (the first get said it): 0 says it every time.
      ['get (Node runtime)', () => pat(['get'], { env: { ...env, GIT_CREDENTIAL_PAT_RUNTIME: 'node', ...sayAlways }, input: get })],
      ['store', () => pat(['store'], { env, input: 'protocol=http\nhost=127.0.0.1\npath=g/new\nusername=u\npassword=frozen-new-0004\n\n' })],
      ['erase', () => pat(['erase'], { env, input: 'protocol=http\nhost=127.0.0.1\npath=g/r\nusername=u\npassword=frozen-wrong-0005\n\n' })],
      ['add', () => pat(['add', '127.0.0.1/other', '--token-stdin', '--username', 'u', '--name', 'later'], { env, input: 'frozen-secret-later-0006' })],
      ['list', () => pat(['list'], { env })],
      ['doctor', () => pat(['doctor'], { env })],
      [
        'git credential fill',
        () => timed('git', ['credential', 'fill'], { env: { ...env, GIT_TERMINAL_PROMPT: '0' }, input: 'url=http://127.0.0.1/g/r\n\n', cwd: sb.dir }),
      ],
    ]
    for (const [what, go] of runs) {
      const r = await go()
      t.ok(r.ms < BOUND_MS, `${what}: returned in ${Math.round(r.ms)} ms (bound ${BOUND_MS} ms; contract 6 s)`)
      t.equal(r.signal, null, `${what}: exited by itself, not killed`)
      if (what.startsWith('get')) {
        t.equal(r.code, 0, `${what}: exit 0 so git goes on`)
        t.equal(r.stdout, '', `${what}: nothing on stdout`)
        t.match(r.stderr, /the keyring is not answering/, `${what}: says why`)
        // Three tokens could answer; the bound above (< 8 s, not 3 × 5 s)
        // shows the wait happened once. get.ts says each skipped token's
        // reason, so the same line may repeat; it is the only thing said.
        t.same([...new Set(r.stderr.trim().split('\n'))].length, 1, `${what}: one message (${r.stderr.trim()})`)
      }
      if (what === 'add') {
        t.equal(r.code, 1, 'add fails')
        t.ok(oneLine(r.stderr), `add: one line (${r.stderr.trim()})`)
        t.match(r.stderr, /not answering/)
      }
      if (what === 'list') t.equal(r.code, 0, 'list needs no keychain')
      if (what === 'doctor') {
        t.equal(r.code, 1)
        t.match(r.stdout, /keychain: keychain not usable: the keyring is not answering/, r.stdout)
      }
      if (what === 'git credential fill') t.notMatch(r.stdout, /frozen-secret/, 'git got no secret from us')
    }
  } finally {
    kr.thaw()
  }
  // Nothing was lost: thawed, the keyring answers with the same secret.
  const after = await pat(['get'], { env, input: 'protocol=http\nhost=127.0.0.1\npath=g/r\n\n' })
  t.match(after.stdout, /password=frozen-secret-repo-0001/, 'thawed: the secret is still there')
  t.same(
    (await sb.tokens()).filter(x => ['repo', 'group', 'host'].includes(x.name)).map(x => x.state),
    ['active', 'active', 'active'],
    'the three records are intact, none marked rejected',
  )
})
