// `forward ssh` through a real OpenSSH server on 127.0.0.1, started here with
// a throwaway host key, config and authorized key. As root (CI) the remote
// account is a throwaway local user made here; otherwise it is this account
// with another HOME (sshd run by a user logs in only that user), and the
// remote socket path is given with --remote-path. On the remote side the
// same dist/ clones with credential.helper pat and finds the forward at the
// default path, ~/.git-credential-pat-forward.sock.
import t from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { userInfo } from 'node:os'
import { join } from 'node:path'
import { run } from './lib/env.js'
import { cleanup, runDir, sleep } from './lib/daemon.js'
import { SECRETS, filesHolding, forwardHost, readOut, remoteEnv, remoteScript, writeRemoteHome } from './lib/forward.js'
import { isRoot } from '../lib/root.js'

const SOCK = '.git-credential-pat-forward.sock'
const { srv, host, origin } = await forwardHost('ssh')
// Under /tmp, open to the remote account: sshd and the remote user read the keys and scripts here.
const work = mkdtempSync('/tmp/gcp-fwd-ssh-')
chmodSync(work, 0o755)
const root = isRoot()
const user = root ? `gcpf${process.pid % 100000}` : userInfo().username
const rhome = join(work, 'rhome')
const out = join(work, 'out')
let sshd: ChildProcess | undefined

async function freePort(): Promise<number> {
  const s = net.createServer()
  await new Promise<void>(r => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as net.AddressInfo).port
  await new Promise(r => s.close(r))
  return port
}

async function setup(): Promise<number> {
  if (root) {
    const r = await run('useradd', ['-M', '-d', rhome, '-s', '/bin/sh', '-p', '*', user])
    if (r.code !== 0) throw new Error(`useradd: ${r.stderr}`)
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }) // sshd's privilege separation directory
  }
  writeRemoteHome(rhome)
  mkdirSync(out)
  for (const k of ['host', 'client']) {
    const r = await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(work, k)])
    if (r.code !== 0) throw new Error(`ssh-keygen: ${r.stderr}`)
  }
  await run('cp', [join(work, 'client.pub'), join(work, 'authorized_keys')])
  chmodSync(join(work, 'authorized_keys'), 0o644)
  if (root) for (const p of [rhome, join(rhome, '.gitconfig'), out]) chownSync(p, ...(await ids()))
  const port = await freePort()
  const config = [
    `ListenAddress 127.0.0.1:${port}`,
    `HostKey ${join(work, 'host')}`,
    `AuthorizedKeysFile ${join(work, 'authorized_keys')}`,
    `PidFile ${join(work, 'sshd.pid')}`,
    `AllowUsers ${user}`,
    'UsePAM no',
    'StrictModes no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'AllowStreamLocalForwarding yes',
    'StreamLocalBindUnlink yes',
    'LogLevel ERROR',
  ].join('\n')
  writeFileSync(join(work, 'sshd_config'), config + '\n')
  sshd = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(work, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] })
  let err = ''
  sshd.stderr!.on('data', d => (err += d))
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>(r =>
      net
        .connect(port, '127.0.0.1')
        .once('connect', function (this: net.Socket) {
          this.destroy()
          r(true)
        })
        .once('error', () => r(false)),
    )
    if (up) return port
    await sleep(50)
  }
  throw new Error(`sshd did not start: ${err}`)
}

async function ids(): Promise<[number, number]> {
  const r = await run('id', ['-u', user])
  const g = await run('id', ['-g', user])
  return [Number(r.stdout), Number(g.stdout)]
}

const port = await setup()
t.teardown(async () => {
  sshd?.kill()
  await cleanup(host)
  await srv.close()
  if (root) await run('userdel', [user])
  rmSync(work, { recursive: true, force: true })
})

const sshArgs = [
  '-o',
  'StrictHostKeyChecking=no',
  '-o',
  'UserKnownHostsFile=/dev/null',
  '-o',
  'IdentitiesOnly=yes',
  '-o',
  'BatchMode=yes',
  '-o',
  'LogLevel=ERROR',
]
sshArgs.push('-i', join(work, 'client'), '-p', String(port), `${user}@127.0.0.1`)

/** The remote side's command: its own environment (HOME, state, no D-Bus), then the clones. */
function remoteCommand(): string {
  const env = remoteEnv(rhome)
  const exports = Object.entries(env).map(([k, v]) => `export ${k}='${v}'`)
  const script = [...exports, 'unset DBUS_SESSION_BUS_ADDRESS', `ls -l "$HOME/${SOCK}" > "${out}/sock.ls" 2>&1`, remoteScript(srv, out), 'exit 7'].join('\n')
  writeFileSync(join(work, 'remote.sh'), script + '\n')
  chmodSync(join(work, 'remote.sh'), 0o644)
  return `sh ${join(work, 'remote.sh')}`
}

t.test('forward ssh: team/ clones with the host token, other/ gets nothing, nothing stays on the remote', async t => {
  const from = srv.requests.length
  const remotePath = root ? [] : ['--remote-path', join(rhome, SOCK)]
  const r = await host.pat(['forward', 'ssh', '--allow', `${origin}/team/*`, ...remotePath, '--', ...sshArgs, remoteCommand()])
  t.equal(r.code, 7, `forward ssh exits with ssh's code: ${r.stderr}`)
  t.match(readOut(out, 'sock.ls'), /^s.*\.git-credential-pat-forward\.sock/, 'the forward was at the default path in the remote home')
  t.equal(readOut(out, 'team.code').trim(), '0', `team/a cloned: ${readOut(out, 'team.err')}`)
  t.same(srv.tokensSeen('team/a', from), [SECRETS.team], 'the forge saw the host token for team/a')
  t.not(readOut(out, 'other.code').trim(), '0', 'other/b: no token from the forward')
  t.same(srv.tokensSeen('other/b', from), [], 'the forge never saw the host other/ token')
  t.match(readOut(out, 'get.err'), /token 'team' .*expires in \d days?/, 'the expiry warning on the remote stderr')
  t.same(filesHolding(rhome, Object.values(SECRETS)), [], 'no file in the remote home, its state or its log holds a secret')
  t.ok(existsSync(join(rhome, '.pat')), 'the remote helper did run there (its state directory exists)')

  t.same(JSON.parse((await host.pat(['forward', 'list', '--json'])).stdout), [], 'the forward ended with ssh')
  t.same(
    readdirSync(runDir(host)).filter(f => f.startsWith('forward-')),
    [],
    'its socket is gone on the host',
  )
  // sshd leaves a forwarded socket file behind (it unlinks only at the next bind); the remote helper removes it at its next call.
  const get = await run(root ? 'runuser' : 'sh', root ? ['-u', user, '--', 'git-credential-pat', 'get'] : ['-c', 'git-credential-pat get'], {
    env: remoteEnv(rhome),
    input: `protocol=http\nhost=127.0.0.1:${srv.port}\npath=team/a.git\n\n`,
  })
  t.equal(get.stdout, '', 'the remote gets nothing once the forward is gone')
  t.notOk(existsSync(join(rhome, SOCK)), 'the remote socket is gone')
})

t.test('forward ssh without arguments after -- is a usage error', async t => {
  const r = await host.pat(['forward', 'ssh', '--allow', `${origin}/team/*`])
  t.equal(r.code, 2, r.stderr)
  t.same(JSON.parse((await host.pat(['forward', 'list', '--json'])).stdout), [], 'nothing started')
})
