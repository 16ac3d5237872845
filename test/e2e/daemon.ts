// The daemon end to end: the built binary, a real
// detached daemon per sandbox, the throwaway keyring, and real git against
// the loopback server. Every test stops its daemon; the last one checks that
// no daemon started here is still alive.
import t from 'tap'
import { needsRoot } from '../lib/root.js'
import { existsSync, readdirSync, readFileSync, lstatSync, mkdirSync, chmodSync, chownSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { bin, parseCredential, run, type RunResult, type Sandbox } from './lib/env.js'
import { startGitServer, type GitServer } from './lib/git-server.js'
import { putSession } from '../../src/state/secrets.js'
import { cleanup, dsandbox, lastVia, logOf, ours, requests, runDir, sleep, socketOf, start, status, stop } from './lib/daemon.js'
import { useDaemon } from '../../src/state/daemon-link.js'
import { daemonLink } from '../../src/daemon/client/client.js'

// As git/helper.ts and cli/cli.ts do: the daemon's client in front of the sources.
useDaemon(daemonLink, process.env)

const HOST = 'gitlab.example.com'
const ASK = `protocol=https\nhost=${HOST}\n\n`

async function get(sb: Sandbox, env: NodeJS.ProcessEnv = {}): Promise<RunResult & { password?: string }> {
  const r = await sb.pat(['get'], { input: ASK, env })
  return { ...r, password: parseCredential(r.stdout).password }
}

/** The keychain service this sandbox's tokens live under (one per sandbox in tests). */
const service = (sb: Sandbox) => sb.env.GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE ?? 'git-credential-pat'

/** A token's keychain account: `<store id>/<name>` (each metadata file owns its items). */
function accountOf(sb: Sandbox, name: string): string {
  const { id } = JSON.parse(readFileSync(join(sb.env.GIT_CREDENTIAL_PAT_HOME!, 'tokens.json'), 'utf8')) as { id?: string }
  return id ? `${id}/${name}` : name
}

function keychainHas(sb: Sandbox, name: string): Promise<boolean> {
  return run('secret-tool', ['lookup', 'service', service(sb), 'account', accountOf(sb, name)], { env: sb.env }).then(r => r.code === 0 && r.stdout !== '')
}

t.test('a cached get does not touch the keychain, and the timeout drops the secret', async t => {
  const sb = dsandbox('cache')
  sb.env.GIT_CREDENTIAL_PAT_LOG = 'debug'
  t.teardown(() => cleanup(sb))
  await sb.addToken(HOST, 'cached-secret-0101', ['--name', 'cached'])

  // The timeout, without assuming how fast this machine is: a 2 s
  // cacheTimeout, and the entry is seen to go on its own (polled, bounded).
  await sb.git(['config', '--global', 'credential.pat.cacheTimeout', '2'])
  await start(sb)
  t.equal((await status(sb)).cacheTimeout, 2, 'cacheTimeout comes from git config')
  t.equal((await get(sb)).password, 'cached-secret-0101')
  let held = (await status(sb)).cached
  for (let i = 0; i < 300 && held !== 0; i++) {
    await sleep(100)
    held = (await status(sb)).cached
  }
  t.equal(held, 0, 'dropped after cacheTimeout (waited at most 30 s)')
  t.match(readFileSync(logOf(sb), 'utf8'), /"name":"cached","why":"timeout","msg":"cache entry dropped"/, 'by the timeout')
  await stop(sb)

  // The cache, with a timeout no slow machine reaches.
  await sb.git(['config', '--global', 'credential.pat.cacheTimeout', '600'])
  await start(sb)
  const first = await get(sb)
  t.equal(first.password, 'cached-secret-0101')
  t.equal(lastVia(sb), 'keychain')
  t.equal((await status(sb)).cached, 1)

  // Behind its back: the keychain item is gone.
  t.ok(await keychainHas(sb, 'cached'), 'the keychain has it')
  const clear = await run('secret-tool', ['clear', 'service', service(sb), 'account', accountOf(sb, 'cached')], { env: sb.env })
  t.equal(clear.code, 0, clear.stderr)
  t.notOk(await keychainHas(sb, 'cached'), 'the keychain no longer has it')

  const cached = await get(sb)
  t.equal(cached.password, 'cached-secret-0101', 'the daemon still answers')
  t.equal(lastVia(sb), 'daemon')
  t.equal(cached.stderr, '')

  await stop(sb)
  const after = await get(sb, { GIT_CREDENTIAL_PAT_DAEMON: 'never' })
  t.equal(after.password, undefined, 'nothing to send once the daemon and the keychain are empty')
  t.match(after.stderr, /keychain returned no secret/)
  t.equal(after.code, 0)
})

t.test('rotate, disable, enable and remove by another process are seen at once', async t => {
  const sb = dsandbox('rotate')
  t.teardown(() => cleanup(sb))
  await sb.addToken(HOST, 'old-secret-0201', ['--name', 'rot'])
  await start(sb)
  t.equal((await get(sb)).password, 'old-secret-0201')
  t.equal((await get(sb)).password, 'old-secret-0201')
  t.equal(lastVia(sb), 'daemon', 'warm')

  const rot = await sb.pat(['rotate', 'rot', '--token-stdin'], { input: 'new-secret-0202' })
  t.equal(rot.code, 0, rot.stderr)
  const next = await get(sb)
  t.equal(next.password, 'new-secret-0202', 'the next get has the new secret')
  t.equal(lastVia(sb), 'keychain')
  t.equal((await get(sb)).password, 'new-secret-0202')
  t.equal(lastVia(sb), 'daemon', 'and the new one is cached')

  t.equal((await sb.pat(['disable', 'rot'])).code, 0)
  t.equal((await get(sb)).password, undefined, 'disabled: not sent, cache or not')
  t.equal((await sb.pat(['enable', 'rot'])).code, 0)
  t.equal((await get(sb)).password, 'new-secret-0202')
  t.equal((await sb.pat(['remove', 'rot', '--yes'])).code, 0)
  t.equal((await get(sb)).password, undefined, 'removed: gone')
  t.equal((await status(sb)).cached, 0, 'remove told the daemon')
})

t.test('auto starts the daemon on demand, always waits for it, never leaves it alone', async t => {
  const never = dsandbox('never', 'never')
  t.teardown(() => cleanup(never))
  await never.addToken(HOST, 'never-secret-0301', ['--name', 'n'])
  t.equal((await get(never)).password, 'never-secret-0301')
  t.equal((await get(never)).password, 'never-secret-0301')
  t.notOk(existsSync(socketOf(never)), 'never: no daemon')
  t.same(
    requests(never).map(r => r.via),
    ['keychain', 'keychain'],
  )

  const auto = dsandbox('auto', 'auto')
  t.teardown(() => cleanup(auto))
  await auto.addToken(HOST, 'auto-secret-0302', ['--name', 'a'])
  t.equal((await get(auto)).password, 'auto-secret-0302', 'the first get answers at once from the keychain')
  let up = false
  for (let i = 0; i < 400 && !up; i++) {
    up = (await status(auto)).running
    if (!up) await sleep(50)
  }
  t.ok(up, 'and has started a daemon in the background')
  await get(auto)
  t.equal((await get(auto)).password, 'auto-secret-0302')
  t.equal(lastVia(auto), 'daemon')

  const always = dsandbox('always', 'always')
  t.teardown(() => cleanup(always))
  await always.addToken(HOST, 'always-secret-0303', ['--name', 'w'])
  t.equal((await get(always)).password, 'always-secret-0303')
  t.equal((await status(always)).cached, 1, 'always: the first get already went through the daemon')
  t.equal((await get(always)).password, 'always-secret-0303')
  t.equal(lastVia(always), 'daemon')
})

t.test('a stopped (wedged) daemon costs a get one short timeout, no more', async t => {
  const sb = dsandbox('wedged')
  t.teardown(() => cleanup(sb))
  await sb.addToken(HOST, 'wedged-secret-0401', ['--name', 'wdg'])
  const pid = await start(sb)
  await get(sb)
  process.kill(pid, 'SIGSTOP')
  try {
    const t0 = Date.now()
    const r = await get(sb)
    const took = Date.now() - t0
    t.equal(r.password, 'wedged-secret-0401', 'answered from the keychain')
    t.equal(r.code, 0)
    t.equal(r.stdout, 'username=oauth2\npassword=wedged-secret-0401\n', 'nothing else on stdout')
    // A bound, not a speed claim: a wedged daemon must not hold the get (it
    // would wait forever); one daemon request timeout plus a keychain read under load.
    t.ok(took < 20_000, `took ${took} ms`)
    t.equal(lastVia(sb), 'keychain')
  } finally {
    process.kill(pid, 'SIGCONT')
  }
})

t.test('64 concurrent gets, and kill -9 of the daemon under that load', async t => {
  const sb = dsandbox('load')
  t.teardown(() => cleanup(sb))
  const secret = 'load-secret-0501'
  await sb.addToken(HOST, secret, ['--name', 'load'])
  const pid = await start(sb)
  await get(sb) // warm

  // Without tap's per-process instrumentation, so 64 processes measure the helper, not tap.
  const lean = { ...sb.env }
  delete lean.NODE_OPTIONS
  const many = (n: number) => Array.from({ length: n }, () => run(bin, ['get'], { env: lean, input: ASK, timeout: 120_000, cwd: sb.dir } as never))
  let t0 = Date.now()
  const warm = await Promise.all(many(64))
  const warmMs = Date.now() - t0
  t.equal(warm.filter(r => r.code === 0 && parseCredential(r.stdout).password === secret).length, 64, `64 correct answers in ${warmMs} ms`)
  // On a loaded machine a client may give up on a slow reply and read the keychain: still correct.
  const fromDaemon = requests(sb)
    .slice(-64)
    .filter(r => r.via === 'daemon').length
  t.ok(fromDaemon > 0, 'the daemon served them')
  t.comment(`64 concurrent gets via the warm daemon: ${warmMs} ms wall, ${fromDaemon} from the daemon`)

  t0 = Date.now()
  const load = many(64)
  // Kill it once the load is under way: some gets are mid-request, others not yet connected.
  await Promise.race(load)
  process.kill(pid, 'SIGKILL')
  const hit = await Promise.all(load)
  const killMs = Date.now() - t0
  const bad = hit.filter(r => r.code !== 0 || r.signal !== null || parseCredential(r.stdout).password !== secret)
  t.equal(bad.length, 0, `no client failed or hung (${killMs} ms wall)`)
  t.same(bad.map(r => r.stderr).filter(Boolean), [])
  const vias = requests(sb)
    .slice(-64)
    .map(r => r.via)
  t.comment(
    `after kill -9: ${vias.filter(v => v === 'daemon').length} from the daemon, ${vias.filter(v => v === 'keychain').length} from the keychain, ${killMs} ms wall`,
  )
  // A new daemon may be starting (auto); the next get works either way.
  t.equal((await get(sb)).password, secret)
})

t.test('a directory or socket with the wrong owner or mode is refused', async t => {
  const sb = dsandbox('unsafe', 'always')
  let held: number | undefined
  t.teardown(async () => {
    if (held) process.kill(held, 'SIGCONT')
    await cleanup(sb)
  })
  await sb.addToken(HOST, 'unsafe-secret-0601', ['--name', 'u'])
  const dir = runDir(sb)
  mkdirSync(dir, { recursive: true, mode: 0o755 })
  chmodSync(dir, 0o755)
  let r = await sb.pat(['daemon', 'start'])
  t.equal(r.code, 1)
  t.match(r.stderr, new RegExp(`${dir} is open to other users \\(mode 755\\).*chmod 700`))
  let g = await get(sb)
  t.equal(g.password, 'unsafe-secret-0601', 'get answers without the daemon')
  t.match(g.stderr, /open to other users/, 'and says why it did not use it')
  t.notOk(existsSync(socketOf(sb)), 'no socket was made there')

  chmodSync(dir, 0o700)
  if (!needsRoot(t, 'a directory of another uid')) {
    chownSync(dir, 65534, 65534)
    r = await sb.pat(['daemon', 'start'])
    t.equal(r.code, 1)
    t.match(r.stderr, /owned by uid 65534, not you/)
    chownSync(dir, process.getuid!(), process.getgid!())
  }

  const pid = await start(sb)
  t.equal(lstatSync(socketOf(sb)).mode & 0o777, 0o600, 'the socket is 0600')
  // Held still, so its watchdog does not shut it down over the changes below
  // (test/daemon/server.ts covers that): what is tested here is the client's refusal.
  process.kill((held = pid), 'SIGSTOP')
  chmodSync(socketOf(sb), 0o666)
  r = await sb.pat(['daemon', 'status'])
  t.equal(r.code, 1)
  t.match(r.stderr, /daemon socket .* is open to other users \(mode 666\)/)
  g = await get(sb)
  t.equal(g.password, 'unsafe-secret-0601')
  t.match(g.stderr, /refusing to use it/)
  chmodSync(socketOf(sb), 0o600)
  if (!needsRoot(t, 'a socket of another uid')) {
    chownSync(socketOf(sb), 65534, 65534)
    r = await sb.pat(['daemon', 'status'])
    t.equal(r.code, 1)
    t.match(r.stderr, /owned by uid 65534/)
    chownSync(socketOf(sb), process.getuid!(), process.getgid!())
  }
  process.kill(pid, 'SIGCONT')
})

let srv: GitServer | undefined
t.teardown(() => srv?.close())

/** Every regular file under dir whose bytes contain needle. */
function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = []
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.isFile() && readFileSync(p).includes(needle)) hits.push(p)
    }
  }
  walk(dir)
  return hits
}

t.test('a session-only token works for git and is in no file afterwards', async t => {
  const SESSION = 'session-only-secret-0701'
  const CACHED = 'keychain-host-secret-0702'
  srv = await startGitServer({
    repos: ['group/a', 'other/b'],
    tokens: [
      { token: SESSION, username: 'sess', paths: ['group/'], access: 'read-write' },
      { token: CACHED, paths: ['other/'], access: 'read-write' },
    ],
  })
  const origin = `http://127.0.0.1:${srv.port}`
  const sb = dsandbox('session', 'auto')
  t.teardown(() => cleanup(sb))
  await sb.git(['config', '--global', 'credential.helper', 'pat'])
  await sb.git(['config', '--global', `credential.${origin}.useHttpPath`, 'true'])

  t.equal(await putSession(`${origin}/group/*`, 'sess', SESSION, new Date(Date.now() + 3600_000), sb.env), true, 'held by a daemon started for it')
  t.equal((await status(sb)).sessions, 1)
  const from = srv.requests.length
  const clone = await sb.git(['clone', srv.url('group/a'), 'a'])
  t.equal(clone.code, 0, clone.stderr)
  t.same(
    [
      ...new Set(
        srv.requests
          .slice(from)
          .filter(q => q.token)
          .map(q => q.token),
      ),
    ],
    [SESSION],
  )
  t.same(JSON.parse((await sb.pat(['list', '--json'])).stdout), [], "git's store after the clone saved nothing")
  t.match(
    requests(sb).map(r => `${r.op}:${r.outcome}`),
    ['get:answered', 'store:session'],
  )

  // A keychain token through the daemon, with real git, while we are here.
  await sb.addToken(`${origin}`, CACHED, ['--name', 'host', '--username', 'ci'])
  t.equal((await sb.git(['clone', srv.url('other/b'), 'b1'])).code, 0)
  t.equal((await sb.git(['clone', srv.url('other/b'), 'b2'])).code, 0)
  t.equal(
    requests(sb)
      .filter(r => r.op === 'get')
      .at(-1)?.via,
    'daemon',
    'the second clone got its token from the daemon',
  )

  const search = await run('secret-tool', ['search', '--all', 'service', service(sb)], { env: sb.env })
  t.notMatch(search.stdout + search.stderr, SESSION, 'not in the keychain')
  t.same(filesContaining(sb.dir, SESSION), [], 'not in any file under the state directory or HOME')

  await stop(sb)
  t.same(filesContaining(sb.dir, SESSION), [], 'nor after the daemon stopped')
  const again = await sb.git(['clone', srv.url('group/a'), 'a2'])
  t.not(again.code, 0, 'and once the daemon is gone, so is the session token')
})

t.test('no secret in the log, the trace, or any management output after every operation', async t => {
  const S = {
    a: 'logcheck-add-secret-0801',
    exec: 'logcheck-exec-secret-0802',
    stored: 'logcheck-store-secret-0803',
    rotated: 'logcheck-rotate-secret-0804',
    session: 'logcheck-session-secret-0805',
    wrong: 'logcheck-wrong-secret-0806',
  }
  const sb = dsandbox('logcheck', 'always')
  Object.assign(sb.env, { GIT_CREDENTIAL_PAT_LOG: 'trace', GIT_CREDENTIAL_PAT_TRACE: '1' })
  t.teardown(() => cleanup(sb))
  const out: string[] = []
  const pat = async (args: string[], input?: string) => {
    const r = await sb.pat(args, { input })
    out.push(r.stderr)
    // get answers git on stdout with the secret: that is its job. Everything else is checked.
    if (args[0] !== 'get') out.push(r.stdout)
    return r
  }
  await sb.addToken(HOST, S.a, ['--name', 'la'])
  writeFileSync(join(sb.dir, 'exec-secret'), S.exec)
  await pat(['add', `${HOST}/g/x`, '--name', 'lx', '--source', `exec:cat ${join(sb.dir, 'exec-secret')}`])
  await pat(['daemon', 'start'])
  await pat(['get'], ASK)
  await pat(['get'], ASK)
  await pat(['get'], `protocol=https\nhost=${HOST}\npath=g/x\n\n`)
  await pat(['store'], `protocol=https\nhost=${HOST}\nusername=oauth2\npassword=${S.a}\n\n`)
  await pat(['store'], `protocol=https\nhost=other.example.com\nusername=me\npassword=${S.stored}\n\n`)
  await pat(['get'], 'protocol=https\nhost=other.example.com\n\n')
  await pat(['erase'], `protocol=https\nhost=other.example.com\nusername=me\npassword=${S.wrong}\n\n`)
  await pat(['erase'], `protocol=https\nhost=other.example.com\nusername=me\npassword=${S.stored}\n\n`)
  await pat(['rotate', 'la', '--token-stdin'], S.rotated)
  await pat(['get'], ASK)
  await pat(['disable', 'la'])
  await pat(['enable', 'la'])
  await pat(['list'])
  await pat(['list', '--json'])
  await pat(['show', 'la'])
  t.equal(await putSession('session.example.com', 'sess', S.session, undefined, sb.env), true)
  await pat(['get'], 'protocol=https\nhost=session.example.com\n\n')
  await pat(['store'], `protocol=https\nhost=session.example.com\nusername=sess\npassword=${S.session}\n\n`)
  await pat(['erase'], `protocol=https\nhost=session.example.com\nusername=sess\npassword=${S.session}\n\n`)
  await pat(['get'], 'protocol=https\nhost=session.example.com\n\n')
  await pat(['get'], 'garbage without equals\n\n')
  await pat(['daemon', 'status'])
  await pat(['daemon', 'status', '--json'])
  await pat(['remove', 'la', '--yes'])
  await pat(['daemon', 'stop'])
  const log = await pat(['log'])
  await pat(['log', '--json', '-n', '5'])

  const text = readFileSync(logOf(sb), 'utf8')
  const ops = new Set(requests(sb).map(r => `${r.op}:${r.outcome}`))
  for (const op of ['get:answered', 'store:used', 'store:saved', 'store:session', 'erase:erased', 'get:none']) t.ok(ops.has(op), `logged ${op}`)
  t.match(text, /"msg":"session token held"/)
  t.match(text, /"msg":"daemon stopped"/)
  t.match(log.stdout, /INFO  helper\[\d+\] request op=get url=https:\/\/gitlab.example.com name=la scope=gitlab.example.com via=/)
  const all = text + out.join('\n')
  for (const [k, s] of Object.entries(S)) {
    t.notOk(all.includes(s), `the ${k} secret is in neither the log nor any output`)
    t.same(filesContaining(join(sb.env.GIT_CREDENTIAL_PAT_HOME!, 'log'), s), [], `… nor in the log directory`)
  }
})

t.test('no daemon started by these tests is still running', async t => {
  await sleep(200)
  const left: number[] = []
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0')
      if (!(cmd.includes('daemon') && cmd.includes('run'))) continue
      const env = readFileSync(`/proc/${p}/environ`, 'utf8').split('\0')
      const home = env.find(e => e.startsWith('GIT_CREDENTIAL_PAT_HOME='))?.slice('GIT_CREDENTIAL_PAT_HOME='.length)
      if (home && ours.some(d => home.startsWith(d))) left.push(Number(p))
    } catch {
      // exited meanwhile
    }
  }
  for (const pid of left) process.kill(pid, 'SIGKILL')
  t.same(left, [], 'none left behind')
})
