// rotate, disable, enable and remove end to end: the
// built binary against the real throwaway keyring, checked through
// show/list --json and through what `get` answers.
import t from 'tap'
import { keychainOp } from './lib/keyring.js'
import { box, get, listJson, ok, onTty, showJson } from './lib/cli.js'

t.test('rotate: a new secret, same scope and history, rejection cleared', async t => {
  const sb = box('rotate')
  await ok(
    sb,
    [
      'add',
      'https://git.example.org/team/*',
      '--token-stdin',
      '--username',
      'ci',
      '--provider',
      'generic',
      '--name',
      'team',
      '--expires',
      '2099-01-01',
      '--description',
      'd',
    ],
    'old-secret-aaaa',
  )
  const before = await showJson(sb, 'team')
  // git reports a 401 with this token: it is marked rejected, not deleted.
  await sb.pat(['erase'], { input: 'protocol=https\nhost=git.example.org\npath=team/app.git\nusername=ci\npassword=old-secret-aaaa\n\n' })
  const rejected = await showJson(sb, 'team')
  t.equal(rejected.state, 'rejected')
  t.same(await get(sb, 'https://git.example.org/team/app'), {}, 'a rejected token is not sent')
  t.match((await ok(sb, ['show', 'team'])).stdout, /^state\s+rejected/m)

  const r = await ok(sb, ['rotate', 'team', '--token-stdin'], 'new-secret-bbbb\n')
  t.match(r.stdout, /replaced the secret of 'team' for git\.example\.org\/team\/\* \(expires 2099-01-01, active\)/)
  const after = await showJson(sb, 'team')
  t.match(after, { scope: before.scope, username: 'ci', created: before.created, expires: before.expires, description: 'd', state: 'active' })
  t.notOk(after.rejected, 'rejection cleared')
  t.ok(after.rotated && Date.now() - Date.parse(after.rotated) < 60_000, 'rotated is stamped')
  t.equal((await get(sb, 'https://git.example.org/team/app')).password, 'new-secret-bbbb')

  await ok(sb, ['rotate', 'team', '--token-stdin', '--expires', '2100-02-03'], 'third-secret-cccc')
  t.equal((await showJson(sb, 'team')).expires, '2100-02-03T00:00:00.000Z')

  // A disabled token stays disabled; a past expiry is not kept.
  await ok(sb, ['add', 'x.example.org', '--token-stdin', '--username', 'u', '--name', 'gone', '--expires', '2020-01-01', '--force'], 'expired-one')
  await ok(sb, ['disable', 'gone'])
  const r2 = await ok(sb, ['rotate', 'gone', '--token-stdin'], 'fresh-one')
  t.match(r2.stdout, /expiry is now unknown/)
  t.match(r2.stdout, /still disabled/)
  t.match(await showJson(sb, 'gone'), { state: 'disabled', expires: null })

  const missing = await sb.pat(['rotate', 'nope', '--token-stdin'], { input: 'x' })
  t.equal(missing.code, 1)
  t.match(missing.stderr, /no token named 'nope'/)
  const usage = await sb.pat(['rotate'])
  t.equal(usage.code, 2, 'a missing name is a usage error')
  const noTty = await sb.pat(['rotate', 'team'])
  t.equal(noTty.code, 1)
  t.match(noTty.stderr, /--token-stdin/, 'without a terminal it says how')
})

t.test('disable and enable', async t => {
  const sb = box('enable')
  await ok(sb, ['add', 'gitlab.example.com', '--token-stdin', '--name', 'a'], 'secret-a')
  await ok(sb, ['add', 'gitlab.example.com/g/*', '--token-stdin', '--name', 'b'], 'secret-b')
  const d = await ok(sb, ['disable', 'a', 'b'])
  t.match(d.stdout, /disabled 'a'.*\n.*disabled 'b'/)
  t.same(
    (await listJson(sb)).map(x => x.state),
    ['disabled', 'disabled'],
  )
  t.same(await get(sb, 'https://gitlab.example.com/g/x'), {}, 'disabled tokens are not sent')
  t.match((await ok(sb, ['list'])).stdout, /disabled/)
  await ok(sb, ['enable', 'b'])
  t.equal((await get(sb, 'https://gitlab.example.com/g/x')).password, 'secret-b')
  const again = await ok(sb, ['enable', 'b'])
  t.match(again.stdout, /already active/)
  const bad = await sb.pat(['enable', 'a', 'nope'])
  t.equal(bad.code, 1)
  t.equal((await showJson(sb, 'a')).state, 'disabled', 'nothing changed when one name is wrong')
  t.equal((await sb.pat(['disable'])).code, 2)
})

t.test('remove: asks on a terminal, needs --yes without one, deletes the keychain items', async t => {
  const sb = box('remove')
  await ok(sb, ['add', 'gitlab.example.com', '--token-stdin', '--name', 'rm-me'], 'secret-rm')
  await keychainOp(sb.env, 'set', 'rm-me#oauth_refresh_token', 'refresh-secret')
  const refused = await sb.pat(['remove', 'rm-me'])
  t.equal(refused.code, 2)
  t.match(refused.stderr, /no terminal to ask on; pass --yes/)
  t.equal((await listJson(sb)).length, 1, 'still there')

  const declined = await onTty(sb, ['remove', 'rm-me'], [{ after: /Remove 'rm-me' \(gitlab\.example\.com\).*\[y\/N\]/, text: 'n\r' }])
  t.equal(declined.code, 1)
  t.match(declined.screen, /nothing was removed/)
  t.equal((await listJson(sb)).length, 1)

  const yes = await onTty(sb, ['remove', 'rm-me'], [{ after: /\[y\/N\]/, text: 'y\r' }])
  t.equal(yes.code, 0, 'exit 0', { screen: yes.screen })
  t.match(yes.screen, /removed 'rm-me' \(gitlab\.example\.com\) and its keychain secret and its refresh token/)
  t.same(await listJson(sb), [])
  t.same(JSON.parse(await keychainOp(sb.env, 'list')), [], 'no keychain item left')

  await ok(sb, ['add', 'gitlab.example.com', '--token-stdin', '--name', 'rm-2'], 'secret-rm-2')
  const r = await ok(sb, ['remove', 'rm-2', '--yes'])
  t.match(r.stdout, /removed 'rm-2'/)
  t.same(await get(sb, 'https://gitlab.example.com/x/y'), {})
  const again = await sb.pat(['remove', 'rm-2', '--yes'])
  t.equal(again.code, 1)
  t.match(again.stderr, /no token named 'rm-2'/)
})
