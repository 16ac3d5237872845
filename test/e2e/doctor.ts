// `doctor` end to end: each broken state is created for
// real and must be reported with a fix, exit 1; all well is exit 0.
import t, { type Test } from 'tap'
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { bin, type Sandbox } from './lib/env.js'
import { keychainOp } from './lib/keyring.js'
import { box, doctorJson, listJson, ok, type Check } from './lib/cli.js'

t.test('doctor: all well', async t => {
  const sb = box('doctor-ok')
  await ok(sb, ['add', 'gitlab.example.com/g/*', '--token-stdin', '--name', 'g', '--expires', '60d'], 'secret-g')
  await ok(sb, ['setup'])
  const d = await doctorJson(sb)
  t.equal(d.code, 0, d.raw.stdout)
  t.equal(d.ok, true)
  for (const id of ['binary', 'helper', 'use-http-path', 'keychain', 'metadata', 'missing-secret', 'orphan-secret', 'expiry', 'rejected']) {
    t.equal(d.checks[id]?.status, 'ok', `${id}: ${d.checks[id]?.summary}`)
  }
  t.match(d.checks.binary.summary, bin, 'the launcher on PATH')
  const text = await sb.pat(['doctor'])
  t.equal(text.code, 0)
  t.match(text.stdout, /all is well/)
  t.notMatch(text.stdout, /FAIL|WARN/)
})

/** Doctor must report this check, and say how to fix it: exit 1 for a failure, 0 when only warned. */
async function broken(t: Test, sb: Sandbox, id: string, env?: NodeJS.ProcessEnv): Promise<Check> {
  const d = await doctorJson(sb, env)
  t.equal(d.ok, false)
  const c = d.checks[id]
  t.ok(c && c.status !== 'ok' && c.status !== 'skip', `${id} reported: ${c?.summary}`)
  const failed = Object.values(d.checks).some(x => x.status === 'fail')
  t.equal(d.code, failed ? 1 : 0, failed ? 'exit 1: a check failed' : 'exit 0: only warnings')
  t.ok(c?.fix.length, 'with a fix')
  const text = await sb.pat(['doctor'], { env })
  t.equal(text.code, d.code)
  t.match(text.stdout, new RegExp(`^(FAIL|WARN)\\s+${id}: `, 'm'))
  t.match(text.stdout, /^\s+fix: /m)
  return c
}

t.test('doctor: the binary git runs', async t => {
  const sb = box('doctor-bin')
  await ok(sb, ['setup'])
  // Only the system directories: git, but no git-credential-pat.
  const missing = await broken(t, sb, 'binary', { PATH: '/usr/bin:/bin' })
  t.match(missing.summary, /no git-credential-pat in PATH/)
  const other = join(sb.dir, 'other-bin')
  mkdirSync(other)
  writeFileSync(join(other, 'git-credential-pat'), '#!/bin/sh\nexit 0\n')
  chmodSync(join(other, 'git-credential-pat'), 0o755)
  const wrong = await broken(t, sb, 'binary', { PATH: `${other}:${sb.env.PATH}` })
  t.match(wrong.summary, `runs ${join(other, 'git-credential-pat')}, not this installation`)
})

t.test('doctor: credential.helper without pat, pat not first, a URL that resets the list', async t => {
  const sb = box('doctor-helper')
  await ok(sb, ['add', 'github.example.com', '--token-stdin', '--name', 'gh', '--provider', 'github'], 'secret-gh')
  const none = await broken(t, sb, 'helper')
  t.match(none.summary, /does not include pat/)
  t.match(none.fix.join(), /git-credential-pat setup/)
  await sb.git(['config', '--global', '--add', 'credential.helper', 'cache'])
  await sb.git(['config', '--global', '--add', 'credential.helper', 'pat'])
  const second = await broken(t, sb, 'helper')
  t.equal(second.status, 'warn')
  t.equal((await doctorJson(sb)).code, 0, 'only a warning: exit 0 (issue 13 item 10)')
  t.match(second.summary, /'cache', then 'pat'/)
  await ok(sb, ['setup'])
  await sb.git(['config', '--global', '--add', 'credential.https://github.example.com.helper', ''])
  await sb.git(['config', '--global', '--add', 'credential.https://github.example.com.helper', '!gh auth git-credential'])
  const url = await broken(t, sb, 'helper-url')
  t.match(url.details.join(), /https:\/\/github\.example\.com: git asks '!gh auth git-credential', not pat/)
})

t.test('doctor: a path-scoped token on a host without useHttpPath', async t => {
  const sb = box('doctor-usehttppath')
  await ok(sb, ['setup'])
  await ok(sb, ['add', 'gitlab.example.com/team/app', '--token-stdin', '--name', 'app'], 's')
  await sb.git(['config', '--global', '--unset', 'credential.https://gitlab.example.com.useHttpPath'])
  const c = await broken(t, sb, 'use-http-path')
  t.match(c.details.join(), /https:\/\/gitlab\.example\.com: app/)
  t.match(c.fix.join(), /git config --global credential\.https:\/\/gitlab\.example\.com\.useHttpPath true/)
  await ok(sb, ['setup'])
  t.equal((await doctorJson(sb)).checks['use-http-path'].status, 'ok', 'setup fixes it')
})

t.test('doctor: keychain unreachable', async t => {
  const sb = box('doctor-keychain')
  await ok(sb, ['setup'])
  const started = Date.now()
  const c = await broken(t, sb, 'keychain', {
    DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(sb.dir, 'no-such-bus')}`,
    GIT_CREDENTIAL_PAT_KEYCHAIN_TIMEOUT_MS: '3000',
  })
  t.equal(c.status, 'fail')
  t.match(c.summary, /keychain not usable/)
  t.ok(Date.now() - started < 20_000, 'bounded in time')
})

t.test('doctor: unreadable metadata', async t => {
  const sb = box('doctor-metadata')
  await ok(sb, ['setup'])
  mkdirSync(join(sb.dir, 'pat'), { recursive: true })
  writeFileSync(join(sb.dir, 'pat', 'tokens.json'), '{ not json')
  const c = await broken(t, sb, 'metadata')
  t.match(c.summary, /corrupt/)
  t.equal((await doctorJson(sb)).checks['keychain-records'].status, 'skip')
  t.equal(readFileSync(join(sb.dir, 'pat', 'tokens.json'), 'utf8'), '{ not json', 'left as it was')
})

t.test('doctor: a record whose keychain item is gone', async t => {
  const sb = box('doctor-missing')
  await ok(sb, ['setup'])
  await ok(sb, ['add', 'gitlab.example.com', '--token-stdin', '--name', 'lost'], 'secret-lost')
  t.equal(await keychainOp(sb.env, 'delete', 'lost'), 'true')
  const c = await broken(t, sb, 'missing-secret')
  t.same(c.details, ['lost (gitlab.example.com)'])
  t.match(c.fix.join(), /git-credential-pat rotate lost/)
  await ok(sb, ['rotate', 'lost', '--token-stdin'], 'secret-again')
  t.equal((await doctorJson(sb)).checks['missing-secret'].status, 'ok', 'rotate fixes it')
})

t.test('doctor: a keychain item without a record', async t => {
  const sb = box('doctor-orphan')
  await ok(sb, ['setup'])
  await ok(sb, ['add', 'gitlab.example.com', '--token-stdin', '--name', 'kept'], 'secret-kept')
  await keychainOp(sb.env, 'set', 'stray', 'stray-secret-value')
  await keychainOp(sb.env, 'set', 'kept#oauth_refresh_token', 'refresh')
  const c = await broken(t, sb, 'orphan-secret')
  t.same(c.details, ['stray'], 'a refresh token beside a record is not an orphan')
  t.match(c.fix.join(), /git-credential-pat remove stray --yes/)
  const r = await ok(sb, ['remove', 'stray', '--yes'])
  t.match(r.stdout, /removed keychain item 'stray' \(it had no record\)/)
  t.same(await listJson(sb).then(l => l.map(x => x.name)), ['kept'])
  const d = await doctorJson(sb)
  t.equal(d.checks['orphan-secret'].status, 'ok', 'remove --yes fixes it')
  t.equal(d.code, 0)
})

t.test('doctor: expired and expiring tokens, and rejected ones', async t => {
  const sb = box('doctor-expiry')
  await ok(sb, ['setup'])
  const soon = new Date(Date.now() + 2 * 86_400_000 + 3_600_000).toISOString().slice(0, 10)
  await ok(sb, ['add', 'a.example.com', '--token-stdin', '--username', 'u', '--name', 'dead', '--expires', '2020-05-01', '--force'], 's1')
  await ok(sb, ['add', 'b.example.com', '--token-stdin', '--username', 'u', '--name', 'soon', '--expires', soon], 's2')
  await ok(sb, ['add', 'c.example.com', '--token-stdin', '--username', 'u', '--name', 'later', '--expires', '30d'], 's3')
  const c = await broken(t, sb, 'expiry')
  t.equal(c.status, 'fail')
  t.match(c.details.join('\n'), /dead \(a\.example\.com\) expired on 2020-05-01/)
  t.match(c.details.join('\n'), new RegExp(`soon \\(b\\.example\\.com\\) expires on ${soon}, in [12] days?`))
  t.notMatch(c.details.join('\n'), /later/)
  t.match(c.fix.join('\n'), /rotate dead --expires/)
  await ok(sb, ['remove', 'dead', 'soon', '--yes'])
  t.equal((await doctorJson(sb)).code, 0)

  await sb.pat(['erase'], { input: 'protocol=https\nhost=c.example.com\nusername=u\npassword=s3\n\n' })
  const rej = await broken(t, sb, 'rejected')
  t.match(rej.details.join(), /later \(c\.example\.com\) at \d{4}-\d\d-\d\d by https:\/\/c\.example\.com/)
  t.match(rej.fix.join(), /enable later/)
  await ok(sb, ['enable', 'later'])
  t.equal((await doctorJson(sb)).code, 0, 'enable clears it')
})
