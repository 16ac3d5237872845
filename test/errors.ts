// One error path (src/errors.ts): code → exit code and hint, one stderr line.
import t from 'tap'
import { outcome, PatError, troubleHint } from '../src/errors.js'
import { report } from '../src/log/report.js'
import { errSink } from '../src/log/stderr.js'

function capture(t: { teardown(fn: () => void): void }): string[] {
  const lines: string[] = []
  const write = errSink.write
  errSink.write = text => void lines.push(text)
  t.teardown(() => void (errSink.write = write))
  return lines
}

t.test('outcome: usage errors exit 2 with a hint, the rest 1', async t => {
  t.same(outcome('USAGE'), { exitCode: 2, hint: 'see git-credential-pat --help' })
  for (const code of ['PROTOCOL', 'SCOPE', 'NOT_FOUND', 'EXISTS', 'METADATA', 'LOCKED', 'KEYCHAIN', 'SOURCE', 'GIT', 'DAEMON', 'INPUT'] as const) {
    t.same(outcome(code), { exitCode: 1 }, code)
    t.equal(new PatError(code, 'x').exitCode, 1)
  }
  t.equal(new PatError('USAGE', 'x').exitCode, 2)
})

t.test('report: one line, the hint only when asked', async t => {
  const lines = capture(t)
  t.equal(report(new PatError('USAGE', 'bad\n  flag')), 2)
  t.equal(report(new PatError('USAGE', 'bad flag'), { hint: true }), 2)
  t.equal(report(new PatError('NOT_FOUND', 'no token'), { hint: true }), 1)
  t.equal(report(new Error('boom\nmore')), 1)
  t.same(lines, [
    'git-credential-pat: bad flag\n',
    'git-credential-pat: bad flag (see git-credential-pat --help)\n',
    'git-credential-pat: no token\n',
    'git-credential-pat: internal error: boom more\n',
  ])
})

t.test('keychain trouble: the fix is said, to git too', async t => {
  const absent = troubleHint('keychain-absent', 'linux')
  t.match(absent, /--source env:VAR, file:PATH or exec:COMMAND/, 'names the sources that need no keyring')
  t.match(absent, /dbus-run-session/, 'and how to start a keyring')
  t.match(absent, /gnome-keyring-daemon --unlock/)
  t.match(troubleHint('keychain-locked', 'linux'), /unlock the keyring/)
  t.match(troubleHint('keychain-frozen', 'linux'), /frozen/)
  t.match(troubleHint('keychain-locked', 'darwin'), /security unlock-keychain/)
  t.same(outcome('KEYCHAIN', 'keychain-absent'), { exitCode: 1, hint: troubleHint('keychain-absent') })
  const lines = capture(t)
  t.equal(report(new PatError('KEYCHAIN', 'the keyring refused a write: x', 'keychain-locked')), 1)
  t.equal(report(new PatError('KEYCHAIN', 'no trouble known')), 1)
  t.same(lines, [`git-credential-pat: the keyring refused a write: x (${troubleHint('keychain-locked')})\n`, 'git-credential-pat: no trouble known\n'])
})

t.test('report and say: what an error quotes from outside comes out escaped', async t => {
  const { say } = await import('../src/log/stderr.js')
  const lines = capture(t)
  report(new PatError('INPUT', "the forge said: \x1b]0;pwned\x07 for login '\x1b[2J'"))
  report(new Error('internal \x9b2J'))
  say('a warning about \u202etoken\x7f')
  t.same(lines, [
    "git-credential-pat: the forge said: \\e]0;pwned\\x07 for login '\\e[2J'\n",
    'git-credential-pat: internal error: internal \\x9b2J\n',
    'git-credential-pat: a warning about \\u202etoken\\x7f\n',
  ])
})
