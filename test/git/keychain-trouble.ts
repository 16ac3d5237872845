// The keychain's trouble on get (src/git/keychain-trouble.ts): held while
// another token may answer, dropped when one does, said when none did.
import t from 'tap'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PatError } from '../../src/errors.js'
import { errSink } from '../../src/log/stderr.js'
import { dropHeld, held, sayIfNeeded, unreadable } from '../../src/git/keychain-trouble.js'

const home = mkdtempSync(join(tmpdir(), 'gcp-trouble-'))
const env = { ...process.env, GIT_CREDENTIAL_PAT_HOME: join(home, 'pat'), GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' }

async function captured(fn: () => Promise<void> | void): Promise<string> {
  const sink = errSink.write
  let text = ''
  errSink.write = s => void (text += s)
  try {
    await fn()
  } finally {
    errSink.write = sink
  }
  return text
}

const absent = () => new PatError('KEYCHAIN', 'the keyring refused a read: Cannot autolaunch D-Bus without X11 $DISPLAY', 'keychain-absent')

t.test('only keychain errors wait', async t => {
  const e = absent()
  unreadable(e)
  unreadable(new PatError('SOURCE', 'environment variable CI_TOKEN is not set'))
  t.ok(held(e.message))
  t.notOk(held('environment variable CI_TOKEN is not set'), 'the decision names the others itself')
  dropHeld()
  t.notOk(held(e.message), 'another token answered: nothing is said')
  t.equal(await captured(() => sayIfNeeded(env, new Date())), '')
})

t.test('no token answered: said with its fix, then not again within warnInterval', async t => {
  const now = new Date('2026-12-01T10:00:00Z')
  unreadable(absent())
  const first = await captured(() => sayIfNeeded(env, now))
  t.match(first, /the keyring refused a read/)
  t.match(first, /git-credential-pat doctor/)
  t.equal(first.trim().split('\n').length, 1, 'one line')
  unreadable(absent())
  t.equal(await captured(() => sayIfNeeded(env, new Date(now.getTime() + 3600_000))), '', 'an hour later: quiet')
  unreadable(absent())
  t.match(await captured(() => sayIfNeeded(env, new Date(now.getTime() + 25 * 3600_000))), /refused a read/, 'a day later: said again')
})

t.test('a keychain error about one token (no trouble) is said every time', async t => {
  const e = new PatError('KEYCHAIN', "token 'a': its secret is not in the keychain")
  for (let i = 0; i < 2; i++) {
    unreadable(e)
    t.match(await captured(() => sayIfNeeded(env, new Date())), /its secret is not in the keychain/)
  }
})
