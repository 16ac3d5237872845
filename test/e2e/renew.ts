// Renewing at the prompt, through a real pseudo-terminal
// (tmux), real git and the loopback server: an expired or rejected token's
// name and scope are the defaults, the new secret replaces it in place, and
// the old warning stops; get names the tokens it skips; the prompt names
// the likely cause when a token misses the URL only by protocol or path.
import t from 'tap'
import { hostname } from 'node:os'
import { startGitServer, type GitServer } from './lib/git-server.js'
import { haveTmux } from './lib/tmux.js'
import { promptKit } from './lib/prompt-kit.js'

if (!haveTmux) {
  t.plan(0, 'tmux is not installed')
  process.exit(0)
}

const T = {
  old: 'glpat-renew-expired-0021',
  fresh: 'glpat-renew-fresh-0022',
  revoked: 'glpat-renew-revoked-0023',
  fresh2: 'glpat-renew-fresh-0024',
}

const srv: GitServer = await startGitServer({
  repos: ['group/a', 'group/sub/b'],
  tokens: [
    { token: T.fresh, paths: [''], access: 'read-write' },
    { token: T.fresh2, paths: [''], access: 'read-write' },
  ],
})
t.teardown(() => srv.close())
const { origin, patSandbox, seen, cloneInPty } = promptKit(srv)

t.test('an expired group token renewed from the prompt with every default: same name and scope, one token, no more warning', async t => {
  const sb = await patSandbox(t, 'renew-expired')
  await sb.addToken(`${origin}/group/*`, T.old, ['--name', 'team', '--expires', '2020-01-01', '--force'])
  const warned = await sb.git(['ls-remote', srv.url('group/a')])
  t.not(warned.code, 0, 'no token to send, no prompt allowed')
  t.match(warned.stderr, `token 'team' (${origin}/group/*) expired on 2020-01-01; not sending it`)

  let from = srv.requests.length
  const r = await cloneInPty(sb, 'group/a', 'a', async p => {
    const s = await p.waitFor('Token for')
    t.match(s, `token 'team' (${origin}/group/*) expired on 2020-01-01`)
    t.match(s, `personal_access_tokens?name=team&`, 'the link is prefilled with its name')
    p.paste(T.fresh)
    p.press('Enter')
    await p.waitFor('Expires on')
    p.type('2031-02-28')
    p.press('Enter')
    const menu = await p.waitFor('Remember [')
    t.match(menu, /2\) the group \(renews 'team'\) +http:\/\/127\.0\.0\.1:\d+\/group\/\*/)
    t.match(menu, 'Remember [2]', 'the default is its scope, not the whole host')
    p.press('Enter')
  })
  t.equal(r.code, 0, r.screen)
  t.same(seen('group/a', from), [T.fresh], 'the expired token was never sent')
  t.match(r.screen, `git-credential-pat: saved token 'team' for ${origin}/group/*, expires 2031-02-28 (renewed`)
  const list = await sb.tokens()
  t.same(
    list.map(x => [x.name, x.scope, x.expires, x.state, x.origin]),
    [['team', `${origin}/group/*`, '2031-02-28T00:00:00.000Z', 'active', 'add']],
    'one token: the old record, renewed in place',
  )
  const shown = await sb.pat(['list'])
  t.equal(shown.stdout.match(/\bteam\b/g)?.length, 1, shown.stdout)

  from = srv.requests.length
  const next = await sb.git(['ls-remote', srv.url('group/sub/b')])
  t.equal(next.code, 0, next.stderr)
  t.equal(next.stderr, '', 'the old warning stopped')
  t.same(seen('group/sub/b', from), [T.fresh])
})

t.test('a rejected parent-group token: named once by get, renewed through its own choice', async t => {
  const sb = await patSandbox(t, 'renew-rejected')
  await sb.addToken(`${origin}/group/*`, T.revoked, ['--name', 'grp'])
  const refused = await sb.git(['ls-remote', srv.url('group/sub/b')])
  t.not(refused.code, 0, 'the server refused it')
  t.match((await sb.tokens())[0], { name: 'grp', state: 'rejected' })
  const again = await sb.git(['ls-remote', srv.url('group/sub/b')])
  const named = again.stderr.match(/token 'grp' \([^)]*\) was rejected by the server on \d{4}-\d\d-\d\d \([^)]*\); not sending it/g) ?? []
  t.equal(named.length, 1, again.stderr)
  t.match(again.stderr, 'git-credential-pat rotate grp')

  const r = await cloneInPty(sb, 'group/sub/b', 'b', async p => {
    const s = await p.waitFor('Token for')
    t.match(s, `token 'grp' (${origin}/group/*) was rejected by the server`)
    p.paste(T.fresh2)
    p.press('Enter')
    await p.waitFor('Expires on')
    p.press('Enter')
    const menu = await p.waitFor('Remember [')
    t.match(menu, /1\) renew 'grp' +http:\/\/127\.0\.0\.1:\d+\/group\/\*/, 'its scope is not this group: offered first')
    t.match(menu, /3\) the group +http:\/\/127\.0\.0\.1:\d+\/group\/sub\/\*/)
    t.match(menu, 'Remember [1]')
    p.press('Enter')
  })
  t.equal(r.code, 0, r.screen)
  t.match(r.screen, `saved token 'grp' for ${origin}/group/*, expiry unknown (renewed`)
  t.same(
    (await sb.tokens()).map(x => [x.name, x.scope, x.state, x.rejected]),
    [['grp', `${origin}/group/*`, 'active', undefined]],
  )
})

t.test('get names a disabled token once; the prompt names https-only and useHttpPath as likely causes', async t => {
  const sb = await patSandbox(t, 'renew-causes', { useHttpPath: false })
  const port = srv.port
  await sb.addToken(`127.0.0.1:${port}`, T.fresh, ['--name', 'sec', '--provider', 'gitlab'])
  await sb.addToken(`${origin}/group/*`, T.fresh2, ['--name', 'grp'])
  await sb.addToken(`${origin}`, T.fresh2, ['--name', 'off'])
  t.equal((await sb.pat(['disable', 'off'])).code, 0)
  // add turned useHttpPath on for the group token; this user turned it off again.
  t.equal((await sb.git(['config', '--global', `credential.${origin}.useHttpPath`, 'false'])).code, 0)

  const r = await sb.git(['ls-remote', srv.url('group/a')])
  t.not(r.code, 0)
  t.equal(r.stderr.match(/token 'off' \([^)]*\) is disabled; not sending it/g)?.length, 1, r.stderr)
  t.match(r.stderr, 'git-credential-pat enable off')

  const c = await cloneInPty(sb, 'group/a', 'a', async p => {
    const s = await p.waitFor('Token for')
    t.match(s, `likely cause: token 'sec' (127.0.0.1:${port}): its scope is https only and this URL is http`)
    t.match(
      s,
      `likely cause: token 'grp' (${origin}/group/*): git did not send the repository path, as credential.useHttpPath is off for ${origin}; run: git config --global credential.${origin}.useHttpPath true`,
    )
    p.press('C-c')
  })
  t.not(c.code, 0)
  t.match(c.screen, 'cancelled; nothing was saved')
  t.equal((await sb.tokens()).length, 3, 'nothing added')
})

t.ok(hostname(), 'a machine name for the default names')
