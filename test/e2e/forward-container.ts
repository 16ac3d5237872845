// A container stand-in (bwrap): a fresh HOME and /tmp, no D-Bus, the host's
// forwarding socket bound in at /run/git-credential-pat.sock and named by
// GIT_CREDENTIAL_PAT_FORWARD, as the docker recipe in docs/forwarding.md
// does. A clone under the allowed scope gets the host's token; one under
// another scope gets nothing from the forward; nothing of the secrets stays
// in the container's home. Also the host side: forward list, log --forward,
// forward stop, and usage errors that start nothing.
import t from 'tap'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { root, run } from './lib/env.js'
import { cleanup } from './lib/daemon.js'
import { REMOTE_GITCONFIG, SECRETS, forwardHost, readOut, remoteEnv, remoteScript } from './lib/forward.js'

const { srv, host, origin } = await forwardHost('ctr')
t.teardown(async () => {
  await cleanup(host)
  await srv.close()
})

t.test('forward start refuses what is not a scope, with exit 2, and starts nothing', async t => {
  for (const args of [
    [],
    ['--allow', 'ghp_0123456789abcdefghijABCDEFGHIJ012345'],
    ['--allow', 'ssh://x/y'],
    ['--allow', `${origin}/team/*`, '--for', 'soon'],
    ['--allow', `${origin}/team/*`, '--socket-mode', '777'],
  ]) {
    const r = await host.pat(['forward', 'start', ...args])
    t.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
    t.notMatch(r.stderr, /ghp_0123/, 'the pasted token is not echoed')
  }
  const list = await host.pat(['forward', 'list', '--json'])
  t.same(JSON.parse(list.stdout), [], 'no forward was started')
})

t.test('bwrap: an allowed clone gets the host token, another scope nothing, the container keeps no secret', async t => {
  const start = await host.pat(['forward', 'start', '--allow', `${origin}/team/*`, '--for', '10m'])
  t.equal(start.code, 0, start.stderr)
  const sock = start.stdout.trim()
  t.match(sock, /forward-[0-9a-f]+\.sock$/, 'one line: the socket path')
  const id = /forward-([0-9a-f]+)\.sock$/.exec(sock)![1]
  const work = mkdtempSync(join(host.dir, 'ctr-'))
  const out = join(work, 'out')
  const secrets = join(work, 'secrets')
  // The canary proves the search works: it is the one file that must be found.
  writeFileSync(secrets, `${SECRETS.team}\n${SECRETS.other}\nleak-check-canary\n`)
  await run('mkdir', ['-p', out])
  const from = srv.requests.length
  const script = [
    `printf '${REMOTE_GITCONFIG.replace(/\n/g, '\\n').replace(/\t/g, '\\t')}' > "$HOME/.gitconfig"`,
    remoteScript(srv, '/run/out'),
    // The container's home, its state and log: none holds a secret.
    `echo leak-check-canary > "$HOME/canary"`,
    `grep -rlF -f /run/secrets "$HOME" > /run/out/leaks; true`,
  ].join('\n')
  const env = remoteEnv('/tmp/home', { GIT_CREDENTIAL_PAT_FORWARD: '/run/git-credential-pat.sock' })
  // The checkout (git-credential-pat and its Bun) back in, should it be under /tmp.
  const args = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--ro-bind', root, root, '--dir', '/tmp/home', '--tmpfs', '/run']
  args.push(
    '--bind',
    sock,
    '/run/git-credential-pat.sock',
    '--bind',
    out,
    '/run/out',
    '--ro-bind',
    secrets,
    '/run/secrets',
    '--die-with-parent',
    'sh',
    '-c',
    script,
  )
  const r = await run('bwrap', args, { env })
  t.equal(r.code, 0, r.stderr)
  t.equal(readOut(out, 'team.code').trim(), '0', `team/a cloned: ${readOut(out, 'team.err')}`)
  t.same(srv.tokensSeen('team/a', from), [SECRETS.team], 'the forge saw the host token for team/a')
  t.not(readOut(out, 'other.code').trim(), '0', 'other/b: no token')
  t.same(srv.tokensSeen('other/b', from), [], 'the forge never saw a token for other/b')
  t.match(readOut(out, 'get.err'), /token 'team' .*expires in \d days?/, 'the expiry warning on the remote stderr')
  t.match(readOut(out, 'get.out'), /^username=u\npassword=/, 'the answer itself')
  t.equal(readOut(out, 'leaks'), '/tmp/home/canary\n', 'no file in the container home holds a secret (only the canary is found)')

  const list = JSON.parse((await host.pat(['forward', 'list', '--json'])).stdout)
  t.equal(list.length, 1)
  t.equal(list[0].id, id)
  t.same(list[0].allow, [`${origin}/team/*`])
  t.ok(list[0].served >= 3, `requests served: ${list[0].served}`)
  const log = await host.pat(['log', '--forward', id])
  t.match(log.stdout, /op=get url=http:\/\/127\.0\.0\.1:\d+\/team\/a\.git name=team outcome=answered/)
  t.match(log.stdout, /op=get url=http:\/\/127\.0\.0\.1:\d+\/other\/b\.git outcome=refused/)
  t.ok(
    log.stdout
      .trim()
      .split('\n')
      .every(l => l.includes(`forward=${id}`)),
    'only this forward',
  )
  const all = await host.pat(['log', '--json'])
  t.notOk(all.stdout.includes(SECRETS.team) || all.stdout.includes(SECRETS.other), 'the host log holds no secret')

  const stop = await host.pat(['forward', 'stop', id])
  t.equal(stop.code, 0, stop.stderr)
  t.same(JSON.parse((await host.pat(['forward', 'list', '--json'])).stdout), [])
  t.notOk(existsSync(sock), 'the socket went with the forward')
  const again = await host.pat(['forward', 'stop', id])
  t.equal(again.code, 1, 'a forward that is gone: one line, exit 1')
})

t.test('the daemon stopping ends every forward and removes its socket', async t => {
  const a = (await host.pat(['forward', 'start', '--allow', `${origin}/team/*`])).stdout.trim()
  t.ok(existsSync(a), a)
  const st = await host.pat(['daemon', 'stop'])
  t.equal(st.code, 0, st.stderr)
  t.notOk(existsSync(a), 'socket removed')
  t.same(JSON.parse((await host.pat(['forward', 'list', '--json'])).stdout), [])
})

t.test('shell completion offers forward and its actions', async t => {
  const top = await host.pat(['--get-yargs-completions', 'git-credential-pat', 'fo'])
  t.match(top.stdout, /^forward$/m)
  const sub = await host.pat(['--get-yargs-completions', 'git-credential-pat', 'forward', ''])
  t.same(sub.stdout.trim().split('\n').sort(), ['list', 'ssh', 'start', 'stop'])
})
