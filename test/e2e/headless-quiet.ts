// Headless noise: over SSH without D-Bus, git commands say the keyring's
// trouble only when a keychain token was needed for the request (no env:/
// file: token answered), then at most once a day per reason, with the fix;
// `doctor` always says it. Real git against the loopback server.
import t from 'tap'
import { join } from 'node:path'
import { box, doctorJson, ok } from './lib/cli.js'
import { startGitServer } from './lib/git-server.js'

const KC = 'glpat-headless-quiet-kc-0201'
const FILE = 'glpat-headless-quiet-file-0202'

t.test('no D-Bus: quiet while a file: token answers; said once, with the fix, when the keychain was needed', async t => {
  const srv = await startGitServer({
    repos: ['team/app'],
    tokens: [
      { token: KC, paths: ['team/'], access: 'read-write' },
      { token: FILE, paths: [''], access: 'read-write' },
    ],
  })
  t.teardown(() => srv.close())
  const origin = `http://127.0.0.1:${srv.port}`
  const sb = box('headless-quiet')
  // Added while the keyring answers; the group token ranks above the host's file token.
  await sb.addToken(`${origin}/team/*`, KC, ['--name', 'kc', '--username', 'oauth2'])
  await sb.addToken(origin, FILE, ['--name', 'f', '--username', 'oauth2', '--source', `file:${join(sb.env.HOME!, 'tok')}`])
  await ok(sb, ['setup'])
  // From here on the sandbox has no session bus, as over SSH without a desktop.
  for (const k of ['DBUS_SESSION_BUS_ADDRESS', 'DISPLAY', 'WAYLAND_DISPLAY']) delete sb.env[k]
  const headless = {}

  let from = srv.requests.length
  const served = await sb.git(['clone', srv.url('team/app'), 'a1'], { env: headless })
  t.equal(served.code, 0, served.stderr)
  t.same(srv.tokensSeen('team/app', from), [FILE], 'the file: token answered')
  t.notMatch(served.stderr, /keyring|D-Bus/, 'nothing about the keyring: it was not needed')

  // Without the file: token, the keychain token was needed: said once, with the fix.
  await ok(sb, ['disable', 'f'])
  from = srv.requests.length
  const needed = await sb.git(['clone', srv.url('team/app'), 'a2'], { env: headless })
  t.not(needed.code, 0, 'no token could be read')
  const lines = needed.stderr.split('\n').filter(l => /keyring/.test(l))
  t.equal(lines.length, 1, needed.stderr)
  t.match(lines[0], /^git-credential-pat: the keyring refused a read: .*autolaunch/i)
  t.match(lines[0], /dbus-run-session .*gnome-keyring-daemon --unlock/, 'with the fix')
  t.match(lines[0], /--source env:VAR, file:PATH or exec:COMMAND/)
  t.match(lines[0], 'git-credential-pat doctor', 'and where it is said any time')
  t.notMatch(needed.stderr, KC)

  const again = await sb.git(['clone', srv.url('team/app'), 'a3'], { env: headless })
  t.not(again.code, 0)
  t.notMatch(again.stderr, /keyring/, 'not again the same day')

  // Another reason (a bus address nobody listens on) is said once too.
  const nobody = { DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(sb.dir, 'no-bus-here')}` }
  const other = await sb.git(['clone', srv.url('team/app'), 'a4'], { env: nobody })
  t.equal(other.stderr.split('\n').filter(l => /keyring/.test(l)).length, 1, other.stderr)
  const otherAgain = await sb.git(['clone', srv.url('team/app'), 'a5'], { env: nobody })
  t.notMatch(otherAgain.stderr, /keyring/)

  // doctor always says it, and that git commands are quiet about it.
  const d = await doctorJson(sb, headless)
  t.equal(d.checks.keychain.status, 'fail')
  t.match(d.checks.keychain.summary, /keychain not usable: the keyring refused .*autolaunch/i)
  t.match(d.checks.keychain.fix.join('\n'), /dbus-run-session/)
  t.match(d.checks.keychain.details.join('\n'), /at most once a day/)
  const again2 = await doctorJson(sb, headless)
  t.match(again2.checks.keychain.summary, /keychain not usable/, 'every time')
})
