// The benchmark behind `npm run bench`. Every figure is a
// median of interleaved runs (A B C … A B C …, so machine drift hits all
// alike), measured from spawn to exit as git sees a helper. The helper runs
// as installed: the launcher install.sh links onto PATH (dist/bin/, Bun from
// its #! line; bin/'s sh launcher where no Bun runs), never `node bin/…`.
// Its peers run in the same rounds: the runtimes' own start (`bun -e 0`,
// `node -e 0`) and git's helpers (credential-store, credential-cache, and
// the C libsecret helper that scripts/bench.sh compiles). The ratios are
// checked against targets (acceptance below). Timings are never asserted in tests; they are
// recorded here (bench/results.*) and, with --readme, in the README.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { cpus, getPriority, loadavg, totalmem, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startGitServer } from '../test/e2e/lib/git-server.js'
import { serialize } from '../src/state/tokens.js'
import { forwardBench } from './bench-forward.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const shLauncher = join(root, 'bin', 'git-credential-pat')
const hashBang = join(root, 'dist', 'bin', 'git-credential-pat')
const installed = existsSync(hashBang) ? hashBang : shLauncher
const bunExe = join(root, 'node_modules', 'bun', 'bin', 'bun.exe')
const args = process.argv.slice(2)
const QUICK = args.includes('--quick')
const RUNS = Number(args[args.indexOf('--runs') + 1]) || (QUICK ? 7 : 31)
const CLONE_RUNS = Math.min(RUNS, 25)
const WARMUP = 3
const JSON_ONLY = args.includes('--json')
const log = (s: string) => {
  if (!JSON_ONLY) process.stderr.write(s + '\n')
}
const started = Date.now()
/** The last recorded run, before this one replaces it: the speed must not regress against it. */
const previous: { acceptance?: Record<string, { value: number | null }> } | undefined = (() => {
  try {
    return JSON.parse(readFileSync(join(root, 'bench', 'results.json'), 'utf8'))
  } catch {
    return undefined
  }
})()
// The machine may be shared: its load when the run began and ended says how far to trust it.
const loadAtStart = loadavg()[0]

interface Case {
  name: string
  cmd: string
  args: string[]
  input?: string
  env?: NodeJS.ProcessEnv
  /** Output a successful run must contain (so a broken case cannot look fast). */
  expect?: string
}

/** One run: ms from spawn to exit. Rejects on a non-zero exit or missing answer. */
function once(c: Case): Promise<number> {
  return new Promise((res, rej) => {
    const start = process.hrtime.bigint()
    const child = spawn(c.cmd, c.args, { env: { ...process.env, ...c.env }, stdio: ['pipe', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', d => (out += d))
    child.stderr.on('data', d => (err += d))
    child.on('error', rej)
    child.on('close', code => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6
      if (code !== 0) return rej(new Error(`${c.name}: exit ${code}: ${err.slice(0, 300)}`))
      if (c.expect && !out.includes(c.expect)) return rej(new Error(`${c.name}: no answer (stderr: ${err.slice(0, 300)})`))
      res(ms)
    })
    child.stdin.on('error', () => {}) // a peer that exits without reading stdin
    child.stdin.end(c.input ?? '')
  })
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

/**
 * Each case's fastest run, beside the medians: on a shared machine the
 * medians carry other people's load, the minima much less of it.
 */
const minima: Record<string, number> = {}

/**
 * Run the cases interleaved and return each one's median in ms. Each round
 * starts one case further on, so every case follows every other equally
 * often: a case run right after one that leaves the keyring busy measured
 * slower than the same case run after another.
 */
async function interleaved(cases: Case[], runs = RUNS): Promise<Record<string, number>> {
  for (let i = 0; i < WARMUP; i++) for (const c of cases) await once(c)
  const times: Record<string, number[]> = Object.fromEntries(cases.map(c => [c.name, []]))
  for (let i = 0; i < runs; i++)
    for (let j = 0; j < cases.length; j++) {
      const c = cases[(i + j) % cases.length]
      times[c.name].push(await once(c))
    }
  for (const c of cases) minima[c.name] = round(Math.min(...times[c.name]))
  return Object.fromEntries(cases.map(c => [c.name, median(times[c.name])]))
}

/** The installed helper, synchronously (set-up only). */
function pat(argv: string[], env: NodeJS.ProcessEnv, input = '', program = bin): string {
  const r = spawnSync(program, argv, { env: { ...process.env, ...env }, input, encoding: 'utf8', timeout: 30_000 })
  if (r.status !== 0) throw new Error(`git-credential-pat ${argv.join(' ')}: exit ${r.status}: ${r.stderr}`)
  return r.stdout
}

function version(cmd: string, argv: string[]): string {
  const r = spawnSync(cmd, argv, { encoding: 'utf8' })
  return r.status === 0 ? r.stdout.trim() : 'n/a'
}

const work = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'gcp-bench-'))
chmodSync(work, 0o700)
// Run as install.sh leaves it: through a link on PATH (the sh launcher then
// has to resolve the link itself; the #! one does not).
const linkTo = (target: string, dir: string) => {
  mkdirSync(join(work, dir))
  symlinkSync(target, join(work, dir, 'git-credential-pat'))
  return join(work, dir, 'git-credential-pat')
}
const bin = linkTo(installed, 'bin')
const shLink = linkTo(shLauncher, 'bin-sh')
/** git finds `git-credential-pat` for `credential.helper pat` on PATH: this tree's first. */
const PATH = `${dirname(bin)}:${process.env.PATH}`
const SECRET = 'bench-token-0123456789abcdef'
const HOST = 'bench.example.com'
const query = `protocol=https\nhost=${HOST}\n\n`
const addArgs = ['add', HOST, '--token-stdin', '--name', 'bench', '--username', 'u', '--expires', '1y']

// The helper's environment is what git gives it (the keyring session's
// HOME, XDG dirs and test keyring), plus its home. Logging stays at its
// default (info: one line per request), as users have it. Without a daemon
// the mode comes from the environment, which costs no config read; with a
// daemon nothing is set (auto, the default), as in a user's shell.
const homeOf = (name: string) => join(work, name)
const noDaemon = (name: string) => ({ GIT_CREDENTIAL_PAT_HOME: homeOf(name), GIT_CREDENTIAL_PAT_DAEMON: 'never' })
const withDaemon = (name: string) => ({ GIT_CREDENTIAL_PAT_HOME: homeOf(name), GIT_CREDENTIAL_PAT_DAEMON: undefined })
const env1 = noDaemon('one')
const env10k = noDaemon('tenk')
const envD = withDaemon('daemon')

log(`preparing in ${work}: homes with 1 and 10,000 tokens, a daemon, git's helpers`)
for (const env of [env1, env10k, envD]) {
  mkdirSync(env.GIT_CREDENTIAL_PAT_HOME, { recursive: true, mode: 0o700 })
  pat(addArgs, { ...env, GIT_CREDENTIAL_PAT_DAEMON: 'never' }, SECRET)
}
{
  const file = join(env10k.GIT_CREDENTIAL_PAT_HOME, 'tokens.json')
  const meta = JSON.parse(readFileSync(file, 'utf8'))
  const proto = meta.tokens[0]
  for (let i = 1; i < 10_000; i++) {
    // Other hosts and other repositories of the same host, as a big fleet would have.
    const scope = i % 10 === 0 ? `${HOST}/team-${i}/*` : `host-${i}.example.org/group-${i % 97}/repo-${i}`
    meta.tokens.push({ ...proto, name: `t-${i}`, scope, source: `env:UNUSED_${i}` })
  }
  writeFileSync(file, serialize(meta)) // the layout the tool itself writes
}
pat(['daemon', 'start'], envD)

// GCP_BENCH_BASELINE: the program of another build (an earlier commit's
// dist/bin/git-credential-pat), timed in the same rounds on homes it made
// itself, so that "no slower than before" is one interleaved run's ratio.
const baseline = process.env.GCP_BENCH_BASELINE
const envB1 = noDaemon('base-one')
const envBD = withDaemon('base-daemon')
if (baseline) {
  for (const env of [envB1, envBD]) {
    mkdirSync(env.GIT_CREDENTIAL_PAT_HOME, { recursive: true, mode: 0o700 })
    pat(addArgs, { ...env, GIT_CREDENTIAL_PAT_DAEMON: 'never' }, SECRET, baseline)
  }
  pat(['daemon', 'start'], envBD, '', baseline)
}

// git credential-store, from a file of its own.
const storeFile = join(work, 'git-credentials')
writeFileSync(storeFile, `https://u:${SECRET}@${HOST}\n`, { mode: 0o600 })

// git credential-cache: its daemon on a socket in a private directory,
// holding the credential (stored through the client, as git would).
const cacheDir = join(work, 'cache')
mkdirSync(cacheDir, { mode: 0o700 })
const cacheSocket = join(cacheDir, 'socket')
const cacheDaemon = await startCacheDaemon(cacheSocket)
const storeIn = (cmd: string, argv: string[]) => {
  const r = spawnSync(cmd, argv, { input: `protocol=https\nhost=${HOST}\nusername=u\npassword=${SECRET}\n\n`, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} store: ${r.stderr}`)
}
storeIn('git', ['credential-cache', '--timeout', '3600', '--socket', cacheSocket, 'store'])

// git-credential-libsecret (compiled by bench.sh), storing into the test keyring.
const libsecret = process.env.GCP_BENCH_LIBSECRET
if (libsecret) storeIn(libsecret, ['store'])
else log(process.env.GCP_BENCH_LIBSECRET_SKIPPED ?? 'git-credential-libsecret left out (run the bench with npm run bench)')

// A forward of the daemon's home, asked by a remote side with a home of its own.
const fwd = await forwardBench(pat, envD, HOST, work, log)

const C = {
  forward: 'pat get through a forward (its socket)',
  forwardSsh: 'pat get through a forward over a loopback ssh tunnel',
  bun: 'bun -e 0',
  node: 'node -e 0',
  store: 'git credential-store get',
  cache: 'git credential-cache get',
  libsecret: 'git-credential-libsecret get',
  keychain: 'pat get, keychain (1 token)',
  tenk: 'pat get, keychain (10,000 tokens)',
  daemon: 'pat get, warm daemon',
  daemonSh: 'pat get, warm daemon, sh launcher (bin/, through a link)',
  daemonNoFfi: 'pat get, warm daemon, no libc calls (GIT_CREDENTIAL_PAT_NO_FFI=1)',
  storeDaemon: 'pat store, warm daemon (git confirming the token)',
  nodeKeychain: 'pat get, Node, keychain',
  nodeDaemon: 'pat get, Node, warm daemon',
  srcKeychain: 'bun src/main.ts get, keychain',
  srcDaemon: 'bun src/main.ts get, warm daemon',
  baseKeychain: 'baseline build: get, keychain (1 token)',
  baseDaemon: 'baseline build: get, warm daemon',
} as const
const get = (name: string, env: NodeJS.ProcessEnv): Case => ({ name, cmd: bin, args: ['get'], input: query, env, expect: SECRET })
const fromSources = (name: string, env: NodeJS.ProcessEnv): Case => ({
  name,
  cmd: bunExe,
  args: [join(root, 'src', 'main.ts'), 'get'],
  input: query,
  env,
  expect: SECRET,
})
const cases: Case[] = [
  { name: C.bun, cmd: bunExe, args: ['-e', '0'] },
  { name: C.node, cmd: process.execPath, args: ['-e', '0'] },
  { name: C.store, cmd: 'git', args: ['credential-store', '--file', storeFile, 'get'], input: query, expect: SECRET },
  { name: C.cache, cmd: 'git', args: ['credential-cache', '--socket', cacheSocket, 'get'], input: query, expect: SECRET },
  ...(libsecret ? [{ name: C.libsecret, cmd: libsecret, args: ['get'], input: query, expect: SECRET }] : []),
  get(C.keychain, env1),
  get(C.tenk, env10k),
  get(C.daemon, envD),
  { ...get(C.daemonSh, envD), cmd: shLink },
  // What calling libc through bun:ffi buys on git's path (runtime/choose.ts).
  get(C.daemonNoFfi, { ...envD, GIT_CREDENTIAL_PAT_NO_FFI: '1' }),
  { name: C.storeDaemon, cmd: bin, args: ['store'], input: `protocol=https\nhost=${HOST}\nusername=u\npassword=${SECRET}\n\n`, env: envD },
  get(C.nodeKeychain, { ...env1, GIT_CREDENTIAL_PAT_RUNTIME: 'node' }),
  get(C.nodeDaemon, { ...envD, GIT_CREDENTIAL_PAT_RUNTIME: 'node' }),
  // Does a bundle still pay for itself under Bun? The same program from its sources.
  fromSources(C.srcKeychain, env1),
  fromSources(C.srcDaemon, envD),
  ...(baseline
    ? [
        { ...get(C.baseKeychain, envB1), cmd: baseline },
        { ...get(C.baseDaemon, envBD), cmd: baseline },
      ]
    : []),
  get(C.forward, fwd.direct),
  ...(fwd.tunnel ? [get(C.forwardSsh, fwd.tunnel)] : []),
]

log(`measuring ${cases.length} cases: ${RUNS} interleaved rounds after ${WARMUP} warm-up rounds`)
const med = await interleaved(cases)
const medians: Record<string, number | null> = {}
for (const [k, v] of Object.entries(med)) medians[k] = round(v)
if (!libsecret) medians[C.libsecret] = null
if (!fwd.tunnel) medians[C.forwardSsh] = null

// A small clone over loopback: git with pat (its default, a warm daemon; and
// without one) against git with its own credential-store. Each clone runs
// get, then store.
log(`measuring git clone over loopback: ${CLONE_RUNS} interleaved rounds`)
const srv = await startGitServer({ repos: ['group/repo'], tokens: [{ token: SECRET, paths: [''], access: 'read-write' }], tmpDir: work })
const origin = `http://127.0.0.1:${srv.port}`
const cloneStoreFile = join(work, 'git-credentials-clone')
writeFileSync(cloneStoreFile, `${origin.replace('://', `://u:${SECRET}@`)}\n`, { mode: 0o600 })
for (const env of [env1, envD])
  pat(['add', origin, '--token-stdin', '--name', 'loopback', '--username', 'u'], { ...env, GIT_CREDENTIAL_PAT_DAEMON: 'never' }, SECRET)
/** A clone into a fresh directory with `helper`; `config` adds `-c key=value` settings (plain words, no quoting needed). */
const cloneCase = (name: string, helper: string, env: NodeJS.ProcessEnv, config: string[] = []): Case => {
  const dir = join(work, name.replace(/\W+/g, '-'))
  const extra = config.map(c => `-c ${c} `).join('')
  return {
    name,
    cmd: 'sh',
    args: [
      '-c',
      `rm -rf "$1" && git -c credential.helper= -c credential.helper="$2" ${extra}clone -q "$3" "$1" && test -f "$1/.git/HEAD" && echo cloned`,
      'sh',
      dir,
      helper,
      srv.url('group/repo'),
    ],
    env: { ...env, PATH },
    expect: 'cloned',
  }
}
// The floor of any helper that runs on Bun: a script that prints the
// credential and nothing else (no checks, no daemon, no state; Bun.write,
// since loading node:fs alone is costly), started the way pat is (git runs
// `git credential-<name>`, found on PATH, Bun from its #! line).
const floorHelper = join(dirname(bin), 'git-credential-bunfloor')
writeFileSync(
  floorHelper,
  `#!${bunExe} --config=${join(root, 'bin', 'bunfig.toml')}\n` +
    `if (process.argv[2] === 'get') await Bun.write(Bun.stdout, 'username=u\\npassword=${SECRET}\\n')\n`,
  { mode: 0o755 },
)
const K = {
  pat: 'git clone, pat (warm daemon)',
  patNoDaemon: 'git clone, pat (keychain, no daemon)',
  store: 'git clone, credential-store',
  floor: 'git clone, minimal Bun helper (prints the credential, nothing else)',
}
const cloneMed = await interleaved(
  [
    cloneCase(K.pat, 'pat', envD),
    cloneCase(K.patNoDaemon, 'pat', env1),
    cloneCase(K.store, `store --file ${cloneStoreFile}`, {}),
    cloneCase(K.floor, 'bunfloor', {}),
  ],
  CLONE_RUNS,
)
for (const [k, v] of Object.entries(cloneMed)) medians[k] = round(v)

// credential.pat.autoRotate: a clone whose GitLab token is inside
// warnDays starts the rotation in the background and must not be slowed by
// it. Each clone is the first of its own home (a token is renewed at most
// once), with autoRotate on and off, interleaved. The forge API is a closed
// port: the background rotation fails on its own, after git is done.
const AUTO = { on: 'git clone, token near expiry, autoRotate on', off: 'git clone, token near expiry, autoRotate off' }
const autoTimes: Record<string, number[]> = { [AUTO.on]: [], [AUTO.off]: [] }
const soon = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10)
log(`measuring autoRotate: ${CLONE_RUNS} first clones each with it on and off`)
for (let i = 0; i < CLONE_RUNS + 1; i++) {
  for (const [name, on] of [
    [AUTO.on, true],
    [AUTO.off, false],
  ] as const) {
    const env = { GIT_CREDENTIAL_PAT_HOME: homeOf(`rot-${on ? 'on' : 'off'}-${i}`), GIT_CREDENTIAL_PAT_DAEMON: 'never' }
    mkdirSync(env.GIT_CREDENTIAL_PAT_HOME, { recursive: true, mode: 0o700 })
    pat(['add', origin, '--token-stdin', '--name', 'near', '--username', 'u', '--provider', 'gitlab', '--expires', soon, '--no-check'], env, SECRET)
    const ms = await once(cloneCase(name, 'pat', env, [`credential.pat.autoRotate=${on}`, `credential.${origin}.patApiUrl=http://127.0.0.1:1/`]))
    if (i > 0) autoTimes[name].push(ms) // the first pair warms the page cache
  }
}
await srv.close()
for (const [k, v] of Object.entries(autoTimes)) {
  medians[k] = round(median(v))
  minima[k] = round(Math.min(...v))
}

// 64 concurrent gets (wall time, failures), then the peak memory of a
// daemon that served them from the 10,000-token home.
async function concurrent(env: NodeJS.ProcessEnv, count = 64): Promise<{ ms: number; failures: number; why?: string }> {
  const start = process.hrtime.bigint()
  const outcomes = await Promise.allSettled(Array.from({ length: count }, () => once(get('concurrent get', env))))
  const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected')
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, failures: failed.length, why: failed[0] ? String(failed[0].reason?.message) : undefined }
}
const other: Record<string, number | string | null> = {}
log('measuring 64 concurrent gets: keychain without a daemon, then a daemon with 10,000 tokens')
const direct = await concurrent(env1)
other['64 concurrent gets, keychain: wall ms'] = round(direct.ms)
other['64 concurrent gets, keychain: failures'] = direct.failures
const env10kD = { ...env10k, GIT_CREDENTIAL_PAT_DAEMON: undefined }
pat(['daemon', 'start'], env10kD)
await concurrent(env10kD, 8) // fill the cache first: the 64 measure the daemon answering
const viaDaemon = await concurrent(env10kD)
other['64 concurrent gets, daemon (10,000 tokens): wall ms'] = round(viaDaemon.ms)
other['64 concurrent gets, daemon (10,000 tokens): failures'] = viaDaemon.failures
for (const [k, r] of [
  ['keychain', direct],
  ['daemon', viaDaemon],
] as const) {
  if (!r.why) continue
  log(`a concurrent get failed: ${r.why}`)
  other[`64 concurrent gets, ${k}: first failure`] = r.why.replace(/\s+/g, ' ').replace(/\|/g, '/').slice(0, 200)
}
const daemon10k = daemonMemory(env10kD)
other['daemon peak RSS MB (10,000 tokens)'] = daemon10k.hwmMb
other['daemon runtime'] = daemon10k.runtime
// The same daemon type holding one token: what of the peak is the runtime's own.
other['daemon peak RSS MB (1 token)'] = daemonMemory(envD).hwmMb
fwd.stop()
pat(['daemon', 'stop'], env10kD)
pat(['daemon', 'stop'], envD)
if (baseline) pat(['daemon', 'stop'], envBD, '', baseline)
stopCacheDaemon(cacheDaemon, cacheSocket)

const ratio = (a: number | null | undefined, b: number | null | undefined, digits = 2) => (a && b ? round(a / b, digits) : null)
const lib = medians[C.libsecret]
const concurrentFailures = direct.failures + viaDaemon.failures
// The speed targets, in order: [value, target, whether lower is the goal].
const acceptance: Record<string, { value: number | null; target: number; unit: string; pass: boolean | null; fromMinima?: number | null }> = {}
const accept = (name: string, value: number | null, target: number, unit = '×', fromMinima?: number | null) =>
  (acceptance[name] = { value, target, unit, pass: value === null ? null : value <= target, ...(fromMinima === undefined ? {} : { fromMinima }) })
const minRatio = (a: string, b: string) => ratio(minima[a], minima[b])
accept('pat get, warm daemon / git-credential-libsecret get', ratio(medians[C.daemon], lib), 1.0, '×', minRatio(C.daemon, C.libsecret))
accept('pat get, keychain / git-credential-libsecret get', ratio(medians[C.keychain], lib), 2.5, '×', minRatio(C.keychain, C.libsecret))
accept('git clone pat / git clone credential-store', ratio(cloneMed[K.pat], cloneMed[K.store]), 1.3, '×', minRatio(K.pat, K.store))
accept('pat get, 10,000 tokens / 1 token', ratio(medians[C.tenk], medians[C.keychain]), 1.1, '×', minRatio(C.tenk, C.keychain))
accept('64 concurrent gets: failures', concurrentFailures, 0, '')
// No regression against an earlier build timed in the same rounds (GCP_BENCH_BASELINE).
if (baseline) {
  accept('pat get, warm daemon / baseline build', ratio(medians[C.daemon], medians[C.baseDaemon]), 1.05, '×', minRatio(C.daemon, C.baseDaemon))
  accept('pat get, keychain / baseline build', ratio(medians[C.keychain], medians[C.baseKeychain]), 1.05, '×', minRatio(C.keychain, C.baseKeychain))
}
// No regression: the two ratios against git's C helper, against the last recorded run (bench/results.json).
for (const name of ['pat get, warm daemon / git-credential-libsecret get', 'pat get, keychain / git-credential-libsecret get']) {
  const before = previous?.acceptance?.[name]?.value
  accept(`${name}, now / last recorded (${before ?? 'none'}×)`, ratio(acceptance[name].value, before), 1.05)
}
accept('daemon peak RSS MB (10,000 tokens)', daemon10k.hwmMb, 50, ' MB')

const more: Record<string, number | null> = {
  'pat get, warm daemon − bun -e 0 (ms)': round(med[C.daemon] - med[C.bun]),
  'pat get, keychain − bun -e 0 (ms)': round(med[C.keychain] - med[C.bun]),
  'git clone pat (keychain, no daemon) / git clone credential-store': ratio(cloneMed[K.patNoDaemon], cloneMed[K.store]),
  'git clone, minimal Bun helper / git clone credential-store (the floor of a Bun helper)': ratio(cloneMed[K.floor], cloneMed[K.store]),
  'git clone pat / git clone, minimal Bun helper': ratio(cloneMed[K.pat], cloneMed[K.floor]),
  'bun src/main.ts / bundle, warm daemon': ratio(med[C.srcDaemon], med[C.daemon]),
  'bun src/main.ts / bundle, keychain': ratio(med[C.srcKeychain], med[C.keychain]),
  'Node / Bun, keychain': ratio(med[C.nodeKeychain], med[C.keychain]),
  'Node / Bun, warm daemon': ratio(med[C.nodeDaemon], med[C.daemon]),
  'pat get, warm daemon / git credential-cache get': ratio(med[C.daemon], med[C.cache]),
  'sh launcher / #! launcher, warm daemon': ratio(med[C.daemonSh], med[C.daemon]),
  'no libc calls / libc through bun:ffi, warm daemon': ratio(med[C.daemonNoFfi], med[C.daemon]),
  'no libc calls − libc through bun:ffi, warm daemon (ms)': round(med[C.daemonNoFfi] - med[C.daemon]),
  'pat store (git confirming) / git-credential-libsecret get': ratio(med[C.storeDaemon], lib),
  'git clone near expiry: autoRotate on / off': ratio(medians[AUTO.on], medians[AUTO.off]),
}

const report = {
  date: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    bun: version(bunExe, ['--version']),
    git: version('git', ['--version']).replace(/^git version /, ''),
    loadavg1m: { start: round(loadAtStart, 2), end: round(loadavg()[0], 2) },
    /** The bench's scheduling priority (nice), when it was raised to hold its own on a shared machine. */
    nice: getPriority(),
  },
  runs: RUNS,
  cloneRuns: CLONE_RUNS,
  warmupRounds: WARMUP,
  libsecret: libsecret ? 'compiled from /usr/share/doc/git/contrib/credential/libsecret/' : (process.env.GCP_BENCH_LIBSECRET_SKIPPED ?? 'left out'),
  medians_ms: medians,
  minima_ms: minima,
  other,
  acceptance,
  ratios: more,
  seconds: Math.round((Date.now() - started) / 1000),
}

const m = report.machine
const fmt = (v: number | string | null) => (v === null ? 'n/a' : String(v))
const md = [
  `Measured ${report.date.slice(0, 16).replace('T', ' ')} UTC on ${m.cpus} × ${m.cpu}, ${m.memoryGiB} GiB; ` +
    `node ${m.node}, bun ${m.bun}, git ${m.git}. Medians of ${RUNS} interleaved rounds (clones: ${CLONE_RUNS}) ` +
    `after ${WARMUP} warm-up rounds, spawn to exit; load average ${m.loadavg1m.start} → ${m.loadavg1m.end}${m.nice ? ` (run at nice ${m.nice})` : ''}; \`pat\` is the launcher install.sh links onto PATH (${installed === shLauncher ? 'bin/git-credential-pat, sh' : 'dist/bin/git-credential-pat, Bun from its #! line'}, through a link; Bun unless it says Node).`,
  '',
  '| case | median ms | fastest ms |',
  '| --- | ---: | ---: |',
  ...Object.entries(medians).map(([k, v]) => `| ${k} | ${fmt(v)} | ${fmt(minima[k] ?? null)} |`),
  ...Object.entries(other).map(([k, v]) => `| ${k} | ${fmt(v)} | |`),
  '',
  '| speed targets (medians) | measured | target | | from the fastest runs |',
  '| --- | ---: | ---: | --- | ---: |',
  ...Object.entries(acceptance).map(
    ([k, a]) =>
      `| ${k} | ${a.value === null ? 'n/a' : a.value + a.unit} | ≤ ${a.target}${a.unit} | ${a.pass === null ? 'n/a' : a.pass ? 'met' : '**not met**'} | ${a.fromMinima === undefined ? '' : a.fromMinima === null ? 'n/a' : a.fromMinima + a.unit} |`,
  ),
  '',
  '| more ratios | value |',
  '| --- | ---: |',
  ...Object.entries(more).map(([k, v]) => `| ${k} | ${fmt(v)} |`),
  '',
].join('\n')
mkdirSync(join(root, 'bench'), { recursive: true })
writeFileSync(join(root, 'bench', 'results.json'), JSON.stringify(report, null, 2) + '\n')
writeFileSync(join(root, 'bench', 'results.md'), md)
if (args.includes('--readme')) updateReadme(md)
rmSync(work, { recursive: true, force: true })
if (JSON_ONLY) process.stdout.write(JSON.stringify(report, null, 2) + '\n')
else process.stdout.write(md)
log(`bench took ${report.seconds} s`)

/** Start `git credential-cache--daemon` on a socket; it says "ok" once it listens. */
function startCacheDaemon(socket: string): Promise<ChildProcess> {
  return new Promise((res, rej) => {
    const d = spawn('git', ['credential-cache--daemon', socket], { stdio: ['ignore', 'pipe', 'ignore'] })
    const timer = setTimeout(() => rej(new Error('git credential-cache--daemon did not start within 5 s')), 5000)
    d.on('error', rej)
    d.stdout!.once('data', () => {
      clearTimeout(timer)
      res(d)
    })
  })
}

/** `exit`, as git's own client stops it; a kill only if it lingers. */
function stopCacheDaemon(d: ChildProcess, socket: string): void {
  spawnSync('git', ['credential-cache', '--socket', socket, 'exit'], { input: '', timeout: 5000 })
  if (d.exitCode === null) setTimeout(() => d.exitCode === null && d.kill(), 1000).unref()
}

/** The running daemon's peak resident memory (VmHWM) and which runtime it runs on. */
function daemonMemory(env: NodeJS.ProcessEnv): { hwmMb: number | null; runtime: string | null } {
  const st = JSON.parse(pat(['daemon', 'status', '--json'], env)) as { pid?: number }
  if (!st.pid) return { hwmMb: null, runtime: null }
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${st.pid}/status`, 'utf8'))
  let exe: string | null = null
  try {
    exe = readlinkSync(`/proc/${st.pid}/exe`)
  } catch {
    // not Linux /proc
  }
  return { hwmMb: hwm ? round(Number(hwm[1]) / 1024) : null, runtime: exe === null ? null : /bun/.test(exe) ? 'bun' : /node/.test(exe) ? 'node' : exe }
}

/** Replace the README's benchmark table (between the bench markers) with this run's. */
function updateReadme(table: string): void {
  const file = join(root, 'README.md')
  const text = readFileSync(file, 'utf8')
  const start = '<!-- bench:start -->'
  const end = '<!-- bench:end -->'
  const a = text.indexOf(start)
  const b = text.indexOf(end)
  if (a < 0 || b < a) return log(`README.md has no ${start} … ${end} block: left as it is`)
  writeFileSync(file, text.slice(0, a + start.length) + '\n' + table + '\n' + text.slice(b))
  log('README.md: benchmark table updated')
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}
