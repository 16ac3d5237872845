// Exposure: after a representative workload with known test
// secrets, run with the daemon up, GIT_CREDENTIAL_PAT_LOG=debug and
// GIT_CREDENTIAL_PAT_TRACE=1, no test secret is in any file under any state
// directory, in any log, in any stderr or management stdout, or in the argv
// of any process sampled from /proc while the workload ran (a token is never
// logged or printed: docs/git-credential-pat.md, "Output and logging").
// test/e2e/no-secrets.ts checks the metadata directory and the argv of one
// waiting `add`; this one covers every state directory (HOME with .cache,
// .local and .config, XDG_RUNTIME_DIR, TMPDIR, GIT_CREDENTIAL_PAT_HOME), the
// debug log and trace, a running daemon, git itself, and argv sampled all along.
import t from 'tap'
import { appendFileSync, closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { parseCredential, run, sandbox, type RunResult } from '../e2e/lib/env.js'
import { startGitServer } from '../e2e/lib/git-server.js'

const S = {
  added: 'glpat-XposureAddedSecret0001',
  repo: 'Xq7pos9ure2Repo4Secret8Tok',
  rotatedAway: 'glpat-XposureFirstTry00002',
  stored: 'xposure-stored-secret-0004',
  wrong: 'xposure-wrong-secret-0005',
  file: 'xposure-file-secret-0006',
  env: 'xposure-env-secret-0007',
  exec: 'xposure-exec-secret-0008',
  refresh: 'xposure-refresh-token-0009',
  checked: 'glpat-XposureChecked000010',
}
const SECRETS = Object.values(S)
const USERS = ['u', 'me', 'oauth2', 'git']
/**
 * Put on purpose in one argv and one file, to show the sampler and the file
 * scan find what they look for (a check that finds nothing proves nothing).
 */
const CANARY = 'xposure-canary-secret-0000'

/** Each secret (named by its key in S) as bytes, and as HTTP Basic credentials would carry it (base64 of user:secret). */
const NEEDLES: Array<[string, Buffer]> = Object.entries({ ...S, canary: CANARY }).flatMap(([k, s]) => [
  [`secret ${k}`, Buffer.from(s)] as [string, Buffer],
  ...USERS.map(u => [`secret ${k} (Basic, user ${u})`, Buffer.from(Buffer.from(`${u}:${s}`).toString('base64'))] as [string, Buffer]),
])
const isCanary = (leak: string) => / secret canary\b|^secret canary\b/.test(leak)

const found = (buf: Buffer) => NEEDLES.filter(([, n]) => buf.includes(n)).map(([what]) => what)

/**
 * Samples the argv of every process from /proc while the workload runs.
 * A full scan of /proc costs milliseconds on a busy machine, so each new
 * process is read once, and read again on every scan only while it is one of
 * ours (its environment names our GIT_CREDENTIAL_PAT_HOME: the helper, git,
 * git's transports, the daemon, an exec: source) or may still exec into one
 * (a fork of this test process not yet exec'd).
 */
class ArgvSampler {
  /** Reads of the argv of our processes. */
  samples = 0
  ticks = 0
  /** pid → distinct argv seen (joined by NUL), for our processes. */
  seen = new Map<number, Set<string>>()
  leaks: string[] = []
  private settled = new Set<number>()
  private ours = new Set<number>()
  private buf = Buffer.alloc(1 << 16)
  private timer?: NodeJS.Timeout
  private readonly own = readFileSync('/proc/self/cmdline')
  private readonly mark: Buffer

  constructor(
    patHome: string,
    private readonly everyMs: number,
    private readonly maxTicks: number,
    /** argv we gave on purpose (a token pasted as a name): a secret there is the user's doing. */
    private readonly allowed: (argv: string[]) => boolean,
  ) {
    this.mark = Buffer.from(`\0GIT_CREDENTIAL_PAT_HOME=${patHome}\0`)
  }

  start(): void {
    const tick = () => {
      this.tick()
      if (this.ticks < this.maxTicks) this.timer = setTimeout(tick, this.everyMs)
    }
    tick()
  }

  stop(): void {
    clearTimeout(this.timer)
  }

  private read(file: string): Buffer | null {
    let fd: number
    try {
      fd = openSync(file, 'r')
    } catch {
      return null
    }
    try {
      const n = readSync(fd, this.buf, 0, this.buf.length, 0)
      return Buffer.from(this.buf.subarray(0, n))
    } catch {
      return null
    } finally {
      closeSync(fd)
    }
  }

  tick(): void {
    this.ticks++
    const alive = new Set<number>()
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue
      const pid = Number(name)
      alive.add(pid)
      if (this.settled.has(pid)) continue
      const raw = this.read(`/proc/${pid}/cmdline`)
      if (!raw || raw.length === 0) continue
      const argv = raw.toString('utf8').replace(/\0$/, '').split('\0')
      const leaked = found(raw)
      const leak = `${leaked.join(', ')} in the argv of ${argv.slice(0, 2).join(' ')} …`
      if (leaked.length && !this.allowed(argv) && !this.leaks.includes(leak)) this.leaks.push(leak)
      if (!this.ours.has(pid)) {
        const env = this.read(`/proc/${pid}/environ`)
        if (env && Buffer.concat([Buffer.from([0]), env]).includes(this.mark)) this.ours.add(pid)
      }
      if (this.ours.has(pid)) {
        this.samples++
        const set = this.seen.get(pid) ?? new Set<string>()
        set.add(argv.join('\0'))
        this.seen.set(pid, set)
      } else if (!raw.equals(this.own)) this.settled.add(pid)
    }
    // A pid that went away may come back as another process.
    for (const pid of this.settled) if (!alive.has(pid)) this.settled.delete(pid)
    for (const pid of this.ours) if (!alive.has(pid)) this.ours.delete(pid)
  }

  /** Distinct argv seen, all pids together. */
  argvs(): string[][] {
    return [...this.seen.values()].flatMap(s => [...s].map(a => a.split('\0')))
  }
}

/** Every regular file under `root` (symlinks not followed), except `skip`. */
function files(root: string, skip: Set<string>): string[] {
  const out: string[] = []
  const walk = (dir: string) => {
    let names: string[]
    try {
      names = readdirSync(dir)
    } catch {
      return
    }
    for (const n of names) {
      const p = join(dir, n)
      if (skip.has(p)) continue
      let st
      try {
        st = lstatSync(p)
      } catch {
        continue
      }
      if (st.isDirectory()) walk(p)
      else if (st.isFile()) out.push(p)
    }
  }
  walk(root)
  return out
}

/** A loopback port nothing listens on (check must fail to reach "the forge"). */
async function closedPort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>(r => srv.listen(0, '127.0.0.1', r))
  const port = (srv.address() as { port: number }).port
  await new Promise(r => srv.close(r))
  return port
}

t.test('no test secret in any state file, log, output or sampled argv', async t => {
  const sb = sandbox('exposure')
  const home = sb.env.HOME!
  const runtime = join(sb.dir, 'run')
  const tmp = join(sb.dir, 'tmp')
  const secretsDir = join(sb.dir, 'sources')
  for (const d of [runtime, tmp, secretsDir]) mkdirSync(d, { recursive: true, mode: 0o700 })
  Object.assign(sb.env, {
    GIT_CREDENTIAL_PAT_DAEMON: 'always',
    GIT_CREDENTIAL_PAT_DAEMON_IDLE: '60',
    GIT_CREDENTIAL_PAT_LOG: 'debug',
    GIT_CREDENTIAL_PAT_TRACE: '1',
    // Every directory the helper could write to, inside the sandbox, so all of it is scanned.
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    XDG_RUNTIME_DIR: runtime,
    TMPDIR: tmp,
    XPOSURE_ENV_SECRET: S.env,
  })
  // The secret sources made on purpose: these files hold a secret by design.
  const fileSource = join(secretsDir, 'file-secret')
  const execSource = join(secretsDir, 'exec-secret')
  writeFileSync(fileSource, S.file, { mode: 0o600 })
  writeFileSync(execSource, S.exec, { mode: 0o600 })

  const srv = await startGitServer({ repos: ['g/r'], tokens: [{ token: S.repo, paths: ['g/'], access: 'read-write' }] })
  const origin = `http://127.0.0.1:${srv.port}`
  t.teardown(async () => {
    await sb.pat(['daemon', 'stop'])
    await srv.close()
    rmSync(sb.dir, { recursive: true, force: true })
  })

  // Mistakes put a secret on our own command line on purpose; only those exact argv are allowed to carry one.
  const mistakes: string[][] = [S.added, S.repo, S.stored].flatMap(s => [
    ['show', s],
    ['show', s, '--json'],
    ['rotate', s, '--token-stdin'],
    ['remove', s, '--yes'],
    ['enable', s],
    ['disable', s],
    ['check', s],
    ['add', s, '--token-stdin'],
    ['add', 'example.com', s],
    ['add', 'example.com', '--token', s],
    [s],
  ])
  const isMistake = (argv: string[]) => mistakes.some(m => argv.length >= m.length && m.every((a, k) => argv[argv.length - m.length + k] === a))
  const sampler = new ArgvSampler(sb.env.GIT_CREDENTIAL_PAT_HOME!, 3, 60_000, isMistake)

  const outputs: Array<[string, string]> = []
  const keep = (label: string, r: RunResult, stdoutToo = true) => {
    outputs.push([`${label} (stderr)`, r.stderr])
    if (stdoutToo) outputs.push([`${label} (stdout)`, r.stdout])
    return r
  }
  const failures: string[] = []
  const pat = async (args: string[], input = '', want: number | null = 0) => {
    const r = keep(args.join(' '), await sb.pat(args, { input }), args[0] !== 'get')
    if (want !== null && r.code !== want) failures.push(`${args.join(' ')}: exit ${r.code}, wanted ${want}: ${r.stderr.trim()}`)
    return r
  }
  const git = async (args: string[], want: 0 | 'fail' = 0, cwd?: string) => {
    const r = keep(`git ${args.join(' ')}`, await sb.git(args, { cwd }))
    if (want === 0 ? r.code !== 0 : r.code === 0) failures.push(`git ${args.join(' ')}: exit ${r.code}: ${r.stderr.trim()}`)
    return r
  }
  const cred = (host: string, user: string, pass?: string, extra = '') =>
    `protocol=https\nhost=${host}\nusername=${user}\n${pass !== undefined ? `password=${pass}\n` : ''}${extra}\n`

  sampler.start()
  try {
    await pat(['setup'])
    // A first try with the wrong secret: git gets a 401 and calls erase; then rotate to the right one.
    await pat(['add', `${origin}/g/*`, '--token-stdin', '--name', 'grp', '--username', 'u'], S.rotatedAway)
    await git(['clone', srv.url('g/r'), 'r0'], 'fail')
    await pat(['rotate', 'grp', '--token-stdin'], S.repo)
    await git(['clone', srv.url('g/r'), 'r1'])
    const repo = join(sb.dir, 'r1')
    await git(['fetch'], 0, repo)
    await git(['-c', 'user.name=x', '-c', 'user.email=x@example.invalid', 'commit', '--allow-empty', '-m', 'x'], 0, repo)
    await git(['push', 'origin', 'HEAD:refs/heads/exposure'], 0, repo)
    await git(['ls-remote', srv.url('g/r')])
    const sent = srv.tokensSeen()
    if (!sent.includes(S.rotatedAway) || !sent.includes(S.repo)) failures.push('git did not send both the first and the rotated secret')

    await pat(['add', 'gitlab.example.com', '--token-stdin', '--name', 'lab', '--expires', '3d'], S.added)
    await pat(['add', `http://127.0.0.1:${await closedPort()}`, '--token-stdin', '--name', 'chk', '--provider', 'gitlab', '--username', 'oauth2'], S.checked)
    await pat(['add', 'file.example.com', '--source', `file:${fileSource}`, '--name', 'f', '--username', 'git'])
    await pat(['add', 'env.example.com', '--source', 'env:XPOSURE_ENV_SECRET', '--name', 'e', '--username', 'git'])
    await pat(['add', 'exec.example.com', '--source', `exec:cat ${execSource}`, '--name', 'x', '--username', 'git'])
    // Every source's secret really flows (else its absence everywhere would prove nothing).
    const want: Record<string, string | undefined> = {
      'gitlab.example.com': S.added,
      'file.example.com': S.file,
      'env.example.com': S.env,
      'exec.example.com': S.exec,
      'nothing.example.com': undefined,
    }
    for (const [host, secret] of Object.entries(want)) {
      const r = await pat(['get'], `protocol=https\nhost=${host}\n\n`)
      if (parseCredential(r.stdout).password !== secret) failures.push(`get ${host}: not the expected answer`)
    }
    await pat(['get'], 'protocol=https\nhost=gitlab.example.com\n\n') // from the daemon's cache
    // The argv canary: a process of ours with a "secret" on its command line, alive long enough to be seen.
    await run('sh', ['-c', 'sleep 0.3; :', 'canary', CANARY], { env: sb.env })
    await pat(
      ['store'],
      cred('stored.example.com', 'me', S.stored, `oauth_refresh_token=${S.refresh}\npassword_expiry_utc=${Math.floor(Date.now() / 1000) + 86_400}\n`),
    )
    if (parseCredential((await pat(['get'], cred('stored.example.com', 'me'))).stdout).password !== S.stored)
      failures.push('get stored.example.com: not the stored secret')
    await pat(['store'], cred('gitlab.example.com', 'oauth2', S.added)) // ours: last use only
    await pat(['erase'], cred('stored.example.com', 'me', S.wrong)) // a different token: nothing
    await pat(['check', 'chk'], '', 1) // nothing listens there
    await pat(['check'], '', 1)
    for (const args of [
      ['list'],
      ['list', '--json'],
      ['show', 'grp'],
      ['show', 'lab', '--json'],
      ['show', 'x'],
      ['doctor'],
      ['doctor', '--json'],
      ['daemon', 'status'],
      ['daemon', 'status', '--json'],
    ]) {
      await pat(args, '', args[0] === 'doctor' ? null : 0)
    }
    await pat(['disable', 'lab'])
    await pat(['get'], 'protocol=https\nhost=gitlab.example.com\n\n')
    await pat(['enable', 'lab'])
    await pat(['rotate', 'lab', '--token-stdin'], S.added)
    // They change nothing, so a few at a time.
    for (let i = 0; i < mistakes.length; i += 4) {
      const batch = mistakes.slice(i, i + 4)
      for (const [k, r] of (await Promise.all(batch.map(m => sb.pat(m, { input: 'x' })))).entries()) {
        keep(`mistake: ${batch[k].map(a => (SECRETS.includes(a) ? '<secret>' : a)).join(' ')}`, r)
        if (r.code === 0) failures.push(`a mistake succeeded: ${batch[k].map(a => (SECRETS.includes(a) ? 'SECRET' : a)).join(' ')}`)
      }
    }
    await pat(['erase'], cred('stored.example.com', 'me', S.stored))
    await pat(['get'], cred('stored.example.com', 'me'))
    await pat(['remove', 'f', 'e', '--yes'])
    await pat(['log'])
    await pat(['log', '--json', '-n', '50'])
    await pat(['daemon', 'stop'])
    // The log once more, now that the daemon has written its last lines.
    await pat(['log', '--json'])
  } finally {
    sampler.stop()
  }
  sampler.tick() // and once after everything

  t.same(failures, [], 'the workload ran as planned')
  // The sampler saw the workload: the daemon, git's transport and the helper under git.
  const argvs = sampler.argvs().map(a => a.join(' '))
  t.ok(
    argvs.some(a => /daemon run/.test(a)),
    'sampled the daemon',
  )
  t.ok(
    argvs.some(a => /git-remote-http|remote-https?/.test(a)),
    "sampled git's transport",
  )
  t.ok(
    argvs.some(a => /credential-pat.* get$|credential-pat get/.test(a)),
    'sampled the helper as git runs it',
  )
  t.ok(sampler.leaks.some(isCanary), 'the sampler finds a secret in an argv (the canary)')
  t.same(
    sampler.leaks.filter(l => !isCanary(l)),
    [],
    `no secret in any argv (${sampler.samples} argv samples of ${sampler.seen.size} of our processes over ${sampler.ticks} scans of /proc)`,
  )

  // The output canary: a stream carrying one as HTTP Basic would, to show the output scan finds what it looks for.
  outputs.push(['planted (stderr)', `git-credential-pat: planted ${Buffer.from(`oauth2:${CANARY}`).toString('base64')}\n`])
  const leaked = outputs.flatMap(([label, text]) => found(Buffer.from(text)).map(w => `${label}: ${w}`))
  t.ok(outputs.map(o => o[1]).join('').length > 2000, 'collected output')
  t.same(leaked.filter(isCanary), ['planted (stderr): secret canary (Basic, user oauth2)'], 'the output scan finds a secret in a stream (the canary)')
  t.same(
    leaked.filter(l => !isCanary(l)),
    [],
    `no secret on stderr or management stdout (${outputs.length - 1} streams)`,
  )

  // gnome-keyring's own storage ($XDG_DATA_HOME/keyrings of the test session,
  // where scripts/keyring-session.sh started it) is where secrets belong; it
  // is the one directory left out, along with the two source files above.
  const keyrings = join(process.env.XDG_DATA_HOME ?? join(process.env.HOME!, '.local', 'share'), 'keyrings')
  const skip = new Set([keyrings, fileSource, execSource])
  const roots = [sb.dir, process.env.HOME, process.env.XDG_RUNTIME_DIR, process.env.GIT_CREDENTIAL_PAT_HOME].filter((d): d is string => !!d)
  const canaryFile = join(home, '.cache', 'canary')
  mkdirSync(join(home, '.cache'), { recursive: true })
  writeFileSync(canaryFile, `x${CANARY}x`)
  // And one line of the debug log, as a field the logger failed to redact would put it there.
  const logFile = join(sb.env.GIT_CREDENTIAL_PAT_HOME!, 'log', 'git-credential-pat.log')
  appendFileSync(logFile, JSON.stringify({ level: 30, time: Date.now(), component: 'planted', username: CANARY, msg: 'request' }) + '\n')
  const scanned = new Set<string>()
  for (const root of roots) for (const f of files(root, skip)) scanned.add(f)
  const inFiles: string[] = []
  for (const f of scanned) {
    let buf: Buffer
    try {
      buf = readFileSync(f)
    } catch {
      continue // a socket, or gone meanwhile
    }
    for (const w of found(buf)) inFiles.push(`${f}: ${w}`)
  }
  t.ok(
    [...scanned].some(f => f.endsWith(join('log', 'git-credential-pat.log'))),
    'the debug log was among them',
  )
  t.ok(
    [...scanned].some(f => f.endsWith('tokens.json')),
    'and the metadata',
  )
  t.same(
    inFiles.filter(isCanary).sort(),
    [`${canaryFile}: secret canary`, `${logFile}: secret canary`].sort(),
    'the scan finds a secret in a file and in the log (the canaries), and only there',
  )
  t.same(
    inFiles.filter(l => !isCanary(l)),
    [],
    `no secret in any of ${scanned.size} files under the state directories`,
  )
  t.comment(`exposure: ${scanned.size} files scanned, ${sampler.samples} argv samples (${sampler.ticks} scans of /proc), ${outputs.length} output streams`)
})
