// Forwarding cases for `npm run bench` (scripts/bench.ts): a get answered
// by a forward (docs/forwarding.md), straight on its socket and through a
// loopback OpenSSH tunnel (sshd started here with throwaway keys, when
// /usr/sbin/sshd is installed), beside the local daemon's get in the same
// rounds. A figure, not a target.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { userInfo } from 'node:os'
import { join } from 'node:path'

export interface ForwardBench {
  /** Environments for a remote get: through the forward's socket, and through the ssh tunnel (null without sshd). */
  direct: NodeJS.ProcessEnv
  tunnel: NodeJS.ProcessEnv | null
  stop(): void
}

type Pat = (argv: string[], env: NodeJS.ProcessEnv) => string

export async function forwardBench(pat: Pat, envD: NodeJS.ProcessEnv, host: string, work: string, log: (s: string) => void): Promise<ForwardBench> {
  const sock = pat(['forward', 'start', '--allow', host, '--for', '2h'], envD).trim()
  const remote = (forward: string): NodeJS.ProcessEnv => {
    const home = join(work, `remote-${Math.random().toString(36).slice(2, 8)}`)
    mkdirSync(home, { mode: 0o700 })
    return { GIT_CREDENTIAL_PAT_HOME: home, GIT_CREDENTIAL_PAT_DAEMON: 'never', GIT_CREDENTIAL_PAT_FORWARD: forward }
  }
  const children: ChildProcess[] = []
  const stop = () => {
    for (const c of children.reverse()) c.kill()
    pat(['forward', 'stop', '--all'], envD)
  }
  let tunnel: NodeJS.ProcessEnv | null = null
  if (existsSync('/usr/sbin/sshd')) {
    try {
      tunnel = remote(await sshTunnel(sock, join(work, 'ssh'), children))
    } catch (e) {
      log(`the ssh tunnel case is left out: ${(e as Error).message}`)
    }
  } else log('the ssh tunnel case is left out: no /usr/sbin/sshd')
  return { direct: remote(sock), tunnel, stop }
}

/** sshd on 127.0.0.1 and `ssh -N -L TUNNEL:SOCK`: a socket whose connections reach the forward through ssh. */
async function sshTunnel(sock: string, dir: string, children: ChildProcess[]): Promise<string> {
  mkdirSync(dir, { mode: 0o700 })
  for (const k of ['host', 'client']) {
    const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, k)])
    if (r.status !== 0) throw new Error(`ssh-keygen: ${r.stderr}`)
  }
  writeFileSync(join(dir, 'authorized_keys'), spawnSync('cat', [join(dir, 'client.pub')]).stdout)
  const port = await freePort()
  const user = userInfo().username
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 })
  const config = [
    `ListenAddress 127.0.0.1:${port}`,
    `HostKey ${join(dir, 'host')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AllowUsers ${user}`,
    'UsePAM no',
    'StrictModes no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'LogLevel ERROR',
  ]
  writeFileSync(join(dir, 'sshd_config'), config.join('\n') + '\n')
  children.push(spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: 'ignore' }))
  await waitFor(() => connects(port))
  const tunnel = join(dir, 'tunnel.sock')
  const opts = [
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
  const args = [...opts, '-o', 'ExitOnForwardFailure=yes', '-i', join(dir, 'client'), '-p', String(port), '-N', '-L', `${tunnel}:${sock}`, `${user}@127.0.0.1`]
  children.push(spawn('ssh', args, { stdio: 'ignore' }))
  await waitFor(async () => existsSync(tunnel))
  return tunnel
}

async function freePort(): Promise<number> {
  const s = net.createServer()
  await new Promise<void>(r => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as net.AddressInfo).port
  await new Promise(r => s.close(r))
  return port
}

const connects = (port: number) =>
  new Promise<boolean>(r => {
    const c = net.connect(port, '127.0.0.1')
    c.once('connect', () => (c.destroy(), r(true)))
    c.once('error', () => r(false))
  })

async function waitFor(ok: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await ok()) return
    await new Promise(r => setTimeout(r, 50))
  }
  throw new Error('timed out')
}
