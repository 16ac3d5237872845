// A keyring of the test's own: a private D-Bus session bus and a fresh GNOME
// Keyring on it, so a test can freeze, kill or lock it without touching the
// keyring every other test of the run shares (scripts/keyring-session.sh).
// Its pids are ours: nothing else is ever stopped or killed.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Test } from 'tap'
import { run } from '../../e2e/lib/env.js'

export interface PrivateKeyring {
  /** Environment variables pointing a client at this keyring. */
  env: NodeJS.ProcessEnv
  keyringPid: number
  freeze(): void
  thaw(): void
  kill(): void
}

function firstLine(child: ChildProcess, what: string, ms = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = ''
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${ms} ms`)), ms)
    child.stdout!.setEncoding('utf8').on('data', d => {
      buf += d
      const nl = buf.indexOf('\n')
      if (nl !== -1) {
        clearTimeout(timer)
        resolve(buf.slice(0, nl).trim())
      }
    })
    child.on('exit', code => reject(new Error(`${what} exited (${code})`)))
  })
}

/** Start one; tap teardown thaws and stops it even when the test fails. */
export async function privateKeyring(t: Test): Promise<PrivateKeyring> {
  const dir = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'gcp-fault-keyring-'))
  const children: ChildProcess[] = []
  let keyringPid = 0
  t.teardown(() => {
    if (keyringPid) {
      try {
        process.kill(keyringPid, 'SIGCONT') // never leave it stopped
      } catch {
        /* gone */
      }
    }
    for (const c of children) c.kill('SIGKILL')
    // A daemon started later on this bus (--replace) is ours too: found by
    // the bus address, unique to this test, in its environment.
    for (const pid of daemonsOn(address)) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        /* gone */
      }
    }
    rmSync(dir, { recursive: true, force: true })
  })
  let address = '\0none'
  const bus = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], { stdio: ['ignore', 'pipe', 'ignore'] })
  children.push(bus)
  address = await firstLine(bus, 'dbus-daemon')
  const env: NodeJS.ProcessEnv = {
    DBUS_SESSION_BUS_ADDRESS: address,
    XDG_DATA_HOME: join(dir, 'data'),
    XDG_RUNTIME_DIR: dir,
  }
  const keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {
    env: { ...process.env, ...env, HOME: dir },
    stdio: ['pipe', 'ignore', 'ignore'],
  })
  children.push(keyring)
  keyring.stdin!.end('throwaway-fault-password')
  keyringPid = keyring.pid!
  // Ready once it owns the Secret Service name on the bus.
  const owned = [
    '--session',
    '--dest=org.freedesktop.DBus',
    '--type=method_call',
    '--print-reply',
    '/org/freedesktop/DBus',
    'org.freedesktop.DBus.NameHasOwner',
    'string:org.freedesktop.secrets',
  ]
  for (let i = 0; ; i++) {
    const r = await run('dbus-send', owned, { env: { ...process.env, ...env } })
    if (/boolean true/.test(r.stdout)) break
    if (i === 200) throw new Error('gnome-keyring-daemon did not take the Secret Service name within 10 s')
    await new Promise(r => setTimeout(r, 50))
  }
  return {
    env,
    keyringPid,
    freeze: () => process.kill(keyringPid, 'SIGSTOP'),
    thaw: () => process.kill(keyringPid, 'SIGCONT'),
    kill: () => process.kill(keyringPid, 'SIGKILL'),
  }
}

/** gnome-keyring-daemon processes whose DBUS_SESSION_BUS_ADDRESS is `address`. */
function daemonsOn(address: string): number[] {
  const out: number[] = []
  for (const pid of readdirSync('/proc').filter(p => /^\d+$/.test(p))) {
    try {
      if (!readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('gnome-keyring')) continue
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`DBUS_SESSION_BUS_ADDRESS=${address}`)) out.push(Number(pid))
    } catch {
      /* gone, or not ours to read */
    }
  }
  return out
}
