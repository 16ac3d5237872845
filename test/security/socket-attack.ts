// A socket attack, with a real second uid:
// another local user's listener put where our client connects must never
// receive a secret (no `put` reaches it) and must never answer a `get`.
//
// Two layouts. (A) a directory on the path that the attacker can write, with
// the attacker swapping our runtime directory for its own in a tight loop, as
// reproduced on the old code (it got `put`s carrying secrets); the fix refuses
// that layout outright. (B) a correct layout where the attacker nevertheless
// gets its listening socket at our path, owned by us and 0600 (the test, as
// root, moves it into place: a won race between any check and the connect);
// the handshake on the connected socket refuses it.
import { rootTest } from '../lib/root.js'
import { spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, chownSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { DaemonClient } from '../../src/daemon/client/client.js'
import { runtimePaths } from '../../src/daemon/client/runtime.js'
import { startDaemon } from '../../src/daemon/server.js'
import { configureLog } from '../../src/log/log.js'
import { statePaths } from '../../src/state/paths.js'
import { parseCredential, sandbox } from '../e2e/lib/env.js'
import { testContext } from '../lib/context.js'

const NOBODY = 65534
const INJECTED = 'attacker-chosen-secret-9999'
const ITERATIONS = 200

rootTest('runs as root (CI does), with setpriv to become another uid', async t => {
  t.equal(process.getuid!(), 0, 'the attack needs a second uid: run the tests as root (CI does)')
})

/**
 * The attacker, run as uid 65534: a listener that answers anything with a
 * forged handshake and a forged secret, and reports every byte it receives
 * (base64, one JSON line per chunk) on stdout. With `swap`, it also swaps
 * `victim` and `decoy` (its own directory holding the listener) back and
 * forth as fast as it can, yielding to its event loop between steps.
 */
const ATTACKER = String.raw`
const net = require('node:net'), fs = require('node:fs'), crypto = require('node:crypto')
const [sock, victim, decoy] = process.argv.slice(1)
const frame = m => { const b = Buffer.from(JSON.stringify(m)); const h = Buffer.alloc(4); h.writeUInt32BE(b.length); return Buffer.concat([h, b]) }
const rnd = () => crypto.randomBytes(32).toString('base64')
const server = net.createServer(s => {
  s.on('error', () => {})
  s.on('data', d => {
    process.stdout.write(JSON.stringify({ data: d.toString('base64') }) + '\n')
    s.write(frame({ hello: 'git-credential-pat', ok: true, nonce: rnd(), proof: rnd(), secret: '${INJECTED}', session: { scope: 'x', username: 'u', secret: '${INJECTED}' } }))
  })
})
process.umask(0)
server.listen(sock, () => {
  fs.chmodSync(sock, 0o777)
  process.stdout.write(JSON.stringify({ ready: true }) + '\n')
  if (!victim) return
  let step = 0, swaps = 0
  const aside = victim + '.real'
  const tick = () => {
    try {
      if (step === 0) { fs.renameSync(victim, aside); fs.renameSync(decoy, victim); swaps++ }
      else { fs.renameSync(victim, decoy); fs.renameSync(aside, victim) }
      step ^= 1
    } catch (e) { process.stdout.write(JSON.stringify({ swapError: e.code }) + '\n') ; return }
    setImmediate(tick)
  }
  tick()
  setInterval(() => process.stdout.write(JSON.stringify({ swaps }) + '\n'), 500).unref()
})
// A line on stdin: answer 'pong' after everything reported so far (stdout keeps order).
process.stdin.on('data', () => process.stdout.write(JSON.stringify({ pong: true }) + '\n'))
process.stdin.on('end', () => process.exit(0))
setTimeout(() => process.exit(0), 120000).unref() // never outlives the test
`

interface Attacker {
  child: ChildProcess
  /** Everything received, decoded. */
  received(): string
  connections(): number
  swapError(): string | undefined
  ready: Promise<void>
  /** Resolves once everything the attacker received so far has been reported here. */
  flush(): Promise<void>
  stop(): Promise<void>
}

function attacker(t: { teardown(fn: () => void | Promise<void>): void }, sock: string, swap?: { victim: string; decoy: string }): Attacker {
  const env = { PATH: process.env.PATH }
  // tap's process tracking adds NODE_OPTIONS (--import of its module from
  // this checkout) to every child's environment; the attacker's uid may not
  // be able to read the checkout (a 0700 clone directory), so env(1) drops
  // it just before node starts.
  const clean = ['env', '-u', 'NODE_OPTIONS', '-u', 'NODE_V8_COVERAGE']
  const args = [
    '--reuid=65534',
    '--regid=65534',
    '--clear-groups',
    ...clean,
    process.execPath,
    '-e',
    ATTACKER,
    sock,
    ...(swap ? [swap.victim, swap.decoy] : []),
  ]
  const child = spawn('setpriv', args, { env, stdio: ['pipe', 'pipe', 'pipe'] })
  child.stdin!.on('error', () => {})
  const pongs: Array<() => void> = []
  const chunks: Buffer[] = []
  let buf = ''
  let swapError: string | undefined
  let err = ''
  let readyResolve!: () => void
  let readyReject!: (e: Error) => void
  const ready = new Promise<void>((res, rej) => ((readyResolve = res), (readyReject = rej)))
  child.stderr!.on('data', d => (err += d))
  child.on('exit', code => readyReject(new Error(`attacker exited (${code}): ${err}`)))
  child.stdout!.setEncoding('utf8').on('data', d => {
    buf += d
    let i
    while ((i = buf.indexOf('\n')) >= 0) {
      const m = JSON.parse(buf.slice(0, i))
      buf = buf.slice(i + 1)
      if (m.ready) readyResolve()
      if (m.data) chunks.push(Buffer.from(m.data, 'base64'))
      if (m.swapError) swapError = m.swapError
      if (m.pong) pongs.shift()?.()
    }
  })
  const flush = () =>
    new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error('the attacker did not report within 10 s')), 10_000)
      pongs.push(() => {
        clearTimeout(timer)
        res()
      })
      child.stdin!.write('ping\n')
    })
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const gone = new Promise(r => child.once('exit', r))
    child.kill('SIGKILL')
    await gone
  }
  t.teardown(stop)
  return { child, received: () => Buffer.concat(chunks).toString('utf8'), connections: () => chunks.length, swapError: () => swapError, ready, flush, stop }
}

/** A 0755 root-owned base under the temp dir (other uids can reach in), removed afterwards. */
function base(t: { teardown(fn: () => void): void }, name: string): string {
  // In /tmp: the attacker's uid cannot reach into the test session's own TMPDIR (0700).
  const dir = mkdtempSync(join('/tmp', `gcp-attack-${name}-`))
  chmodSync(dir, 0o755)
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

rootTest('(A) an attacker-writable directory on the path: refused, and the swapping attacker gets nothing', async t => {
  const b = base(t, 'A')
  const shared = join(b, 'shared')
  mkdirSync(shared, { mode: 0o777 })
  chmodSync(shared, 0o777) // like a /tmp/<name> another user made first
  const victim = join(shared, 'victim')
  const decoy = join(shared, 'decoy')
  const env = { ...process.env, GIT_CREDENTIAL_PAT_HOME: victim, GIT_CREDENTIAL_PAT_DAEMON_TIMEOUT_MS: '2000' }
  configureLog(env, statePaths(env).log)
  const paths = runtimePaths(env)
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 })
  // The attacker's look-alike: its own directory with its listener at run/daemon.sock.
  mkdirSync(join(decoy, 'run'), { recursive: true, mode: 0o700 })
  chownSync(decoy, NOBODY, NOBODY)
  chownSync(join(decoy, 'run'), NOBODY, NOBODY)

  let refused = ''
  try {
    const d = await startDaemon({ ctx: testContext(), paths, cacheTimeoutMs: 600_000, idleMs: 0, watchdogMs: 3_600_000 })
    if (d) t.teardown(() => d.close('test over'))
  } catch (e) {
    refused = (e as Error).message
  }
  t.match(refused, /shared is writable by other users \(mode 777\)/, 'the daemon refuses to listen below it')

  const att = attacker(t, join(decoy, 'run', 'daemon.sock'), { victim, decoy })
  await att.ready
  const answers = new Set<string>()
  const refusals = new Set<string>()
  for (let i = 0; i < ITERATIONS; i++) {
    const c = new DaemonClient(env)
    const secret = `swap-secret-${i}-${'x'.repeat(8)}`
    await c.call({ op: 'put', name: 'tok', stamp: 's', secret })
    const r = await c.call({ op: 'get', name: 'tok', stamp: 's' })
    if (r && r.ok && r.secret) answers.add(r.secret)
    const s = await new DaemonClient(env).call({ op: 'session-get', protocol: 'https', host: 'example.com' })
    if (s && s.ok && s.session) answers.add(s.session.secret)
    if (c.refusal) refusals.add(c.refusal)
  }
  await att.flush()
  await att.stop()
  t.equal(att.swapError(), undefined, 'the attacker could swap the directories the whole time')
  t.notOk(att.received().includes('swap-secret-'), `the attacker received no secret (${att.connections()} chunks reached it)`)
  t.equal(att.connections(), 0, 'nothing connected to the attacker at all')
  t.notOk(answers.has(INJECTED), 'no answer came from the attacker')
  t.same([...answers], [], 'no answer at all: the client refuses that layout')
  // Which refusal depends on what the swapper had in place at that moment:
  // the open directory above ours, or the attacker's directory itself (a
  // loaded machine can see only the latter in a whole run).
  t.ok(refusals.size > 0, 'the client said why it refused')
  t.ok(
    [...refusals].every(r => /shared is writable by other users \(mode 777\)|is owned by uid 65534, not you/.test(r)),
    `each refusal names the open directory or the stranger's: ${[...refusals].join(' | ')}`,
  )
  t.ok(
    [...refusals].every(r => /refusing/.test(r)),
    'every other refusal is one too',
  )
})

rootTest("(B) the attacker's own listener at our path (a won race): the handshake refuses it both ways", async t => {
  const b = base(t, 'B')
  const victim = join(b, 'victim')
  mkdirSync(victim, { mode: 0o700 })
  const attDir = join(b, 'att')
  mkdirSync(attDir, { mode: 0o755 })
  chownSync(attDir, NOBODY, NOBODY)
  const env = { ...process.env, GIT_CREDENTIAL_PAT_HOME: victim, GIT_CREDENTIAL_PAT_DAEMON_TIMEOUT_MS: '2000' }
  configureLog(env, statePaths(env).log)
  const paths = runtimePaths(env)
  const d = await startDaemon({ ctx: testContext(), paths, cacheTimeoutMs: 600_000, idleMs: 0, watchdogMs: 3_600_000 })
  if (!d) throw new Error('no daemon')
  t.teardown(() => d.close('test over'))
  const attSock = join(attDir, 'daemon.sock')
  const att = attacker(t, attSock)
  await att.ready
  const aside = join(paths.dir, 'real.sock')
  const attackerIn = () => {
    renameSync(paths.socket, aside)
    renameSync(attSock, paths.socket)
    // It passes every check on the path: ours, 0600. Only the peer is wrong.
    chownSync(paths.socket, process.getuid!(), process.getgid!())
    chmodSync(paths.socket, 0o600)
  }
  const attackerOut = () => {
    renameSync(paths.socket, attSock)
    renameSync(aside, paths.socket)
  }

  const SECRET = 'real-secret-for-B-0001'
  let fromReal = 0
  let refusedImpostor = 0
  const got = new Set<string>()
  for (let i = 0; i < ITERATIONS; i++) {
    const impostor = i % 2 === 1
    if (impostor) attackerIn()
    try {
      const c = new DaemonClient(env)
      await c.call({ op: 'put', name: 'tok', stamp: 's', secret: `${SECRET}-${i}` })
      const r = await c.call({ op: 'get', name: 'tok', stamp: 's' })
      if (r && r.ok && r.secret) got.add(r.secret)
      if (!impostor && r?.ok && r.secret === `${SECRET}-${i}`) fromReal++
      if (impostor && c.lastFailure === 'unsafe' && /did not prove/.test(c.refusal ?? '')) refusedImpostor++
    } finally {
      if (impostor) attackerOut()
    }
  }
  await att.flush()
  t.notOk(att.received().includes(SECRET), `the attacker's listener received no secret (${att.connections()} chunks)`)
  t.ok(att.connections() >= ITERATIONS / 2, 'the client did connect to it each time it was in place (the race was won)')
  t.notOk(got.has(INJECTED), "no get returned the attacker's secret")
  t.equal(refusedImpostor, ITERATIONS / 2, 'each time, the client refused the peer and said why')
  t.equal(fromReal, ITERATIONS / 2, 'the real daemon answered every other time')

  // The same through the built helper, with the attacker's socket in place for good.
  const sb = sandbox('attack-B')
  t.teardown(() => rmSync(sb.dir, { recursive: true, force: true }))
  const sbEnv = { GIT_CREDENTIAL_PAT_HOME: victim, GIT_CREDENTIAL_PAT_DAEMON: 'always' }
  // The token lives in this sandbox's keychain service but its metadata in `victim`.
  const add = await sb.pat(['add', 'gitlab.example.com', '--name', 'b', '--token-stdin'], { input: 'helper-secret-B-0002', env: sbEnv })
  t.equal(add.code, 0, add.stderr)
  attackerIn()
  const before = att.connections()
  for (let i = 0; i < 10; i++) {
    const r = await sb.pat(['get'], { input: 'protocol=https\nhost=gitlab.example.com\n\n', env: sbEnv })
    t.equal(parseCredential(r.stdout).password, 'helper-secret-B-0002', `get ${i}: the keychain's secret, not the attacker's`)
    t.match(r.stderr, /did not prove it is your git-credential-pat daemon/)
  }
  await att.flush()
  t.ok(att.connections() > before, "the helper reached the attacker's socket")
  t.notOk(att.received().includes('helper-secret-B'), 'and sent it no secret')
  attackerOut()
})
