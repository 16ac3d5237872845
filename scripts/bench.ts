// The benchmark behind `npm run bench` (issue 7). Every figure is a median
// of interleaved runs (A B A B …, so machine drift hits all alike) and is
// reported as a ratio against `node -e 0` measured in the same run.
// Timings are never asserted in tests; they are recorded here and in the README.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { cpus, totalmem, tmpdir } from 'node:os'
import { join, resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startGitServer } from '../test/e2e/lib/git-server.js'
import { serialize } from '../src/tokens.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const bin = join(root, 'bin', 'git-credential-pat')
const args = process.argv.slice(2)
const RUNS = Number(args[args.indexOf('--runs') + 1]) || (args.includes('--quick') ? 8 : 25)
const WARMUP = 3
const JSON_ONLY = args.includes('--json')
const log = (s: string) => {
  if (!JSON_ONLY) process.stderr.write(s + '\n')
}

interface Case {
  name: string
  cmd: string
  args: string[]
  input?: string
  env?: NodeJS.ProcessEnv
  /** Output a successful run must contain (so a broken case cannot look fast). */
  expect?: string
}

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
      if (c.expect && !out.includes(c.expect)) return rej(new Error(`${c.name}: unexpected output (stderr: ${err.slice(0, 300)})`))
      res(ms)
    })
    child.stdin.end(c.input ?? '')
  })
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

/** Run the cases interleaved and return each one's median in ms. */
async function interleaved(cases: Case[], runs = RUNS): Promise<Record<string, number>> {
  for (let i = 0; i < WARMUP; i++) for (const c of cases) await once(c)
  const times: Record<string, number[]> = Object.fromEntries(cases.map(c => [c.name, []]))
  for (let i = 0; i < runs; i++) for (const c of cases) times[c.name].push(await once(c))
  return Object.fromEntries(cases.map(c => [c.name, median(times[c.name])]))
}

function pat(argv: string[], env: NodeJS.ProcessEnv, input = ''): string {
  const r = spawnSync(process.execPath, [bin, ...argv], { env: { ...process.env, ...env }, input, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`git-credential-pat ${argv.join(' ')}: ${r.stderr}`)
  return r.stdout
}

const work = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'gcp-bench-'))
const home1 = join(work, 'one')
const home10k = join(work, 'tenk')
const homeDaemon = join(work, 'daemon')
const base = { GIT_CREDENTIAL_PAT_DAEMON: 'never', GIT_CREDENTIAL_PAT_LOG: 'silent' }
const env1 = { ...base, GIT_CREDENTIAL_PAT_HOME: home1 }
const env10k = { ...base, GIT_CREDENTIAL_PAT_HOME: home10k }
const SECRET = 'bench-token-0123456789abcdef'
const query = 'protocol=https\nhost=bench.example.com\n\n'

log(`preparing: 1 token and 10,000 tokens in ${work}`)
pat(['add', 'bench.example.com', '--token-stdin', '--name', 'bench', '--username', 'u', '--expires', '1y'], env1, SECRET)
pat(['add', 'bench.example.com', '--token-stdin', '--name', 'bench', '--username', 'u', '--expires', '1y'], env10k, SECRET)
{
  const file = join(home10k, 'tokens.json')
  const meta = JSON.parse(readFileSync(file, 'utf8'))
  const proto = meta.tokens[0]
  for (let i = 1; i < 10_000; i++) {
    // Other hosts and other repositories of the same host, as a big fleet would have.
    const scope = i % 10 === 0 ? `bench.example.com/team-${i}/*` : `host-${i}.example.org/group-${i % 97}/repo-${i}`
    meta.tokens.push({ ...proto, name: `t-${i}`, scope, source: `env:UNUSED_${i}` })
  }
  writeFileSync(file, serialize(meta)) // the layout the tool itself writes
}
const storeFile = join(work, 'git-credentials')
writeFileSync(storeFile, `https://u:${SECRET}@bench.example.com\n`, { mode: 0o600 })

const results: Record<string, number | string | null> = {}
const floor = { name: 'node -e 0', cmd: process.execPath, args: ['-e', '0'] }
const get1 = { name: 'get (1 token)', cmd: process.execPath, args: [bin, 'get'], input: query, env: env1, expect: SECRET }
const get10k = { name: 'get (10,000 tokens)', cmd: process.execPath, args: [bin, 'get'], input: query, env: env10k, expect: SECRET }
const store = { name: 'git credential-store get', cmd: 'git', args: ['credential-store', '--file', storeFile, 'get'], input: query, expect: SECRET }
const cases: Case[] = [floor, get1, get10k, store]

// The daemon, once it exists: the same get through a warm daemon.
const daemonAvailable = existsSync(join(root, 'dist', 'daemon'))
let getDaemon: Case | undefined
if (daemonAvailable) {
  const envD = { GIT_CREDENTIAL_PAT_HOME: homeDaemon, GIT_CREDENTIAL_PAT_DAEMON: 'always', GIT_CREDENTIAL_PAT_LOG: 'silent' }
  mkdirSync(homeDaemon, { recursive: true })
  pat(['add', 'bench.example.com', '--token-stdin', '--name', 'bench', '--username', 'u', '--expires', '1y'], envD, SECRET)
  pat(['daemon', 'start'], envD)
  getDaemon = { name: 'get (warm daemon)', cmd: process.execPath, args: [bin, 'get'], input: query, env: envD, expect: SECRET }
  cases.push(getDaemon)
}

log(`measuring ${cases.length} cases, ${RUNS} interleaved runs each after ${WARMUP} warm-up rounds`)
const med = await interleaved(cases)
for (const [k, v] of Object.entries(med)) results[k] = round(v)
const ratio = (name: string) => round(med[name] / med[floor.name], 3)

// A small clone over loopback: helper pat vs git's own credential-store.
log('measuring git clone over loopback: pat vs store')
const srv = await startGitServer({ repos: ['group/repo'], tokens: [{ token: SECRET, paths: [''], access: 'read-write' }], tmpDir: work })
const origin = `http://127.0.0.1:${srv.port}`
const clonePat = join(work, 'clone-pat')
const cloneStore = join(work, 'clone-store')
pat(['add', origin, '--token-stdin', '--name', 'loopback', '--username', 'u'], env1, SECRET)
writeFileSync(storeFile, `${origin.replace('://', `://u:${SECRET}@`)}\n`, { mode: 0o600 })
let n = 0
const cloneCase = (name: string, helper: string, dir: string): Case => ({
  name,
  cmd: 'sh',
  args: ['-c', `rm -rf "${dir}" && git -c credential.helper= -c credential.helper='${helper}' clone -q "${srv.url('group/repo')}" "${dir}" && echo ok-${n++ >= 0}`],
  env: env1,
  expect: 'ok-',
})
const cloneMed = await interleaved([cloneCase('git clone (pat)', 'pat', clonePat), cloneCase('git clone (store)', `store --file ${storeFile}`, cloneStore)], Math.min(RUNS, 15))
await srv.close()
for (const [k, v] of Object.entries(cloneMed)) results[k] = round(v)

// 64 concurrent gets: wall time and failures (and the daemon's peak memory).
async function concurrent(env: NodeJS.ProcessEnv, count = 64): Promise<{ ms: number; failures: number }> {
  const start = process.hrtime.bigint()
  const outcomes = await Promise.allSettled(
    Array.from({ length: count }, () => once({ name: 'concurrent get', cmd: process.execPath, args: [bin, 'get'], input: query, env, expect: SECRET })),
  )
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, failures: outcomes.filter(o => o.status === 'rejected').length }
}
log('measuring 64 concurrent gets')
const conc = await concurrent(env1)
results['64 concurrent gets, direct: wall ms'] = round(conc.ms)
results['64 concurrent gets, direct: failures'] = conc.failures
if (getDaemon) {
  // Through a daemon holding the 10,000-token home: wall time, failures and
  // its peak resident memory (VmHWM), which issue 7 wants under 80 MB.
  const env10kDaemon = { ...env10k, GIT_CREDENTIAL_PAT_DAEMON: 'always' }
  pat(['daemon', 'start'], env10kDaemon)
  const c = await concurrent(env10kDaemon)
  results['64 concurrent gets, daemon (10,000 tokens): wall ms'] = round(c.ms)
  results['64 concurrent gets, daemon (10,000 tokens): failures'] = c.failures
  const st = JSON.parse(pat(['daemon', 'status', '--json'], env10kDaemon)) as { pid?: number }
  const hwm = st.pid ? /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${st.pid}/status`, 'utf8')) : null
  results['daemon peak RSS MB (10,000 tokens)'] = hwm ? round(Number(hwm[1]) / 1024) : null
  pat(['daemon', 'stop'], env10kDaemon)
  pat(['daemon', 'stop'], getDaemon.env!)
}

const ratios: Record<string, number> = {
  'get (1 token) / node -e 0': ratio(get1.name),
  'get (10,000 tokens) / get (1 token)': round(med[get10k.name] / med[get1.name], 3),
  'git credential-store get / node -e 0': ratio(store.name),
  'git clone pat / git clone store': round(cloneMed['git clone (pat)'] / cloneMed['git clone (store)'], 3),
}
if (getDaemon) ratios['get (warm daemon) / node -e 0'] = ratio(getDaemon.name)

const report = {
  date: new Date().toISOString(),
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`,
  runs: RUNS,
  medians_ms: results,
  ratios,
}
const md = [
  `Measured ${report.date.slice(0, 10)} on ${report.machine}; medians of ${RUNS} interleaved runs.`,
  '',
  '| case | median ms |',
  '| --- | ---: |',
  ...Object.entries(results).map(([k, v]) => `| ${k} | ${v ?? 'n/a'} |`),
  '',
  '| ratio | value |',
  '| --- | ---: |',
  ...Object.entries(ratios).map(([k, v]) => `| ${k} | ${v}× |`),
  '',
].join('\n')
mkdirSync(join(root, 'bench'), { recursive: true })
writeFileSync(join(root, 'bench', 'results.json'), JSON.stringify(report, null, 2) + '\n')
writeFileSync(join(root, 'bench', 'results.md'), md)
if (JSON_ONLY) process.stdout.write(JSON.stringify(report, null, 2) + '\n')
else process.stdout.write(md)

function round(x: number, digits = 1): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}
