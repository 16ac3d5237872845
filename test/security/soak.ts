// The soak (docs/git-credential-pat.md, "The daemon": it never answers from a
// secret that may have changed since it was cached): gets for four tokens
// while another process rotates, disables, enables and edits them, and
// replaces a stored token's password as git's approve does, with the
// daemon SIGSTOPped at random for up to a second so that processes miss
// its deadline and cannot tell it what changed. Every get must answer with
// the secret its token had at some moment during that get (and only while
// the token was enabled), or answer nothing with only a "disabled" note:
// never a stale secret, another token's secret, or any other failure.
// Everything runs the built binary against the throwaway keyring.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { parseCredential, run, bin, type RunResult, type Sandbox } from '../e2e/lib/env.js'
import { cleanup, dsandbox, requests, sleep, start, status } from '../e2e/lib/daemon.js'
import { rng } from './lib/concurrency-kill.js'

const GETS = Number(process.env.SOAK_GETS ?? 500)
const PARALLEL = 4
const SEED = Number(process.env.SOAK_SEED ?? 0x50a121)
const HOST = 'soak.example.com'

// A backstop; the run is bounded by its GETS and the stop loop by `done`.
t.setTimeout(5 * 60_000)

interface Window {
  value: string
  from: number
  to: number
}

/** What one token went through: its secrets and the spans it was enabled, each widened to the whole operation that changed it. */
class History {
  readonly secrets: Window[] = []
  readonly enabled: Window[] = []
  constructor(
    readonly name: string,
    readonly path: string,
    readonly username: string,
    first: string,
  ) {
    this.secrets.push({ value: first, from: 0, to: Infinity })
    this.enabled.push({ value: 'on', from: 0, to: Infinity })
  }

  /** A change that ran from `from` to `to`: the old value held until `to`, the new one from `from`. */
  static change(list: Window[], value: string | null, from: number, to: number): void {
    const last = list.at(-1)
    if (last && last.to === Infinity) last.to = to
    if (value !== null) list.push({ value, from, to: Infinity })
  }

  get isEnabled(): boolean {
    return this.enabled.at(-1)?.to === Infinity
  }

  /** Whether `password` was this token's secret, and the token enabled, at some moment of [from, to]. */
  valid(password: string, from: number, to: number): boolean {
    const overlaps = (w: Window) => w.from <= to && w.to >= from
    return this.secrets.some(w => w.value === password && overlaps(w)) && this.enabled.some(overlaps)
  }
}

const ask = (h: History) => `protocol=https\nhost=${HOST}\npath=${h.path}\n\n`
const approve = (h: History, password: string) => `protocol=https\nhost=${HOST}\nusername=${h.username}\npath=${h.path}\npassword=${password}\n\n`

async function setUp(sb: Sandbox): Promise<History[]> {
  const tokens: History[] = []
  for (let i = 0; i < 3; i++) {
    const h = new History(`soak${i}`, `p${i}/repo.git`, `u${i}`, `soak-${i}-secret-000`)
    await sb.addToken(`${HOST}/p${i}/*`, h.secrets[0].value, ['--name', h.name, '--username', h.username])
    tokens.push(h)
  }
  // Saved by store, as after git's approve: its password is replaced in place.
  const s = new History('', 'p3/repo.git', 'u3', 'soak-3-secret-000')
  const r = await sb.pat(['store'], { input: approve(s, s.secrets[0].value) })
  if (r.code !== 0) throw new Error(`store failed: ${r.stderr}`)
  const named = (await sb.tokens()).find(x => x.origin === 'store')
  if (!named) throw new Error('store saved no token')
  tokens.push(Object.assign(s, { name: named.name }))
  return tokens
}

/** One change to a random token, timed from before its process started to after it exited. */
async function mutate(sb: Sandbox, tokens: History[], rand: () => number, n: number, failures: string[]): Promise<void> {
  // The stored token half the time: a password replaced in place changes the least in its record.
  const i = rand() < 0.5 ? 3 : Math.floor(rand() * 3)
  const h = tokens[i]
  const secret = `soak-${i}-secret-${String(n).padStart(3, '0')}`
  const kind = i === 3 ? 'approve' : (['rotate', 'rotate', 'toggle', 'edit'] as const)[Math.floor(rand() * 4)]
  const from = Date.now()
  let r: RunResult
  if (kind === 'approve') r = await sb.pat(['store'], { input: approve(h, secret) })
  else if (kind === 'rotate') r = await sb.pat(['rotate', h.name, '--token-stdin'], { input: secret })
  else if (kind === 'toggle') r = await sb.pat([h.isEnabled ? 'disable' : 'enable', h.name])
  else r = await sb.pat(['edit', h.name, '--description', `soak edit ${n}`])
  const to = Date.now()
  if (r.code !== 0) failures.push(`${kind} ${h.name}: exit ${r.code}: ${r.stderr.trim()}`)
  if (kind === 'approve' || kind === 'rotate') History.change(h.secrets, secret, from, to)
  if (kind === 'toggle') History.change(h.enabled, h.isEnabled ? null : 'on', from, to)
}

/** Each get against its token's history: its secret at some moment of the get, or no answer with at most a "disabled" note. */
function judge(tokens: History[], gets: Array<{ h: History; from: number; to: number; r: RunResult }>): { bad: string[]; answered: number; none: number } {
  const bad: string[] = []
  let answered = 0
  let none = 0
  for (const { h, from, to, r } of gets) {
    const got = parseCredential(r.stdout)
    const disabled = `git-credential-pat: token '${h.name}' (${HOST}/p${tokens.indexOf(h)}/*) is disabled; not sending it. Turn it back on: git-credential-pat enable ${h.name}`
    if (r.code !== 0 || r.signal) bad.push(`get ${h.name}: exit ${r.code ?? r.signal}: ${r.stderr.trim()}`)
    else if (got.password === undefined) {
      if (r.stdout !== '' || (r.stderr !== '' && r.stderr.trim() !== disabled))
        bad.push(`get ${h.name}: no answer, with ${JSON.stringify(r.stdout + r.stderr)}`)
      none++
    } else if (got.username !== h.username || !h.valid(got.password, from, to) || r.stderr !== '') {
      bad.push(`get ${h.name}: answered ${got.username}/${got.password}, not its secret at any moment of the get ${r.stderr.trim()}`)
    } else answered++
  }
  return { bad, answered, none }
}

interface Daemon {
  pid: number
  /** Its start time (field 22 of /proc/<pid>/stat): a reused pid has another. */
  start: string
}

/** When the process started, or null when it is gone. Readable for a not-dumpable process too, unlike its environ. */
function startOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
  } catch {
    return null
  }
}

/** The daemon while it answers (it may have been replaced); undefined when none answers. */
async function daemonOf(sb: Sandbox): Promise<Daemon | undefined> {
  const st = await status(sb).catch(() => ({ running: false, pid: undefined }))
  const start = st.running && st.pid ? startOf(st.pid) : null
  return st.pid && start ? { pid: st.pid, start } : undefined
}

/** False when the process is gone, or is no longer this sandbox's daemon (pids are reused). */
function signal(d: Daemon, sig: NodeJS.Signals): boolean {
  try {
    return startOf(d.pid) === d.start && process.kill(d.pid, sig)
  } catch {
    return false
  }
}

/** SIGSTOP the daemon at random for up to a second at a time until `done()`; always SIGCONT. */
async function stopAtRandom(sb: Sandbox, rand: () => number, done: () => boolean): Promise<{ stops: number; stoppedMs: number }> {
  let stops = 0
  let stoppedMs = 0
  let d = await daemonOf(sb)
  for (let k = 0; k < 10_000 && !done(); k++) {
    await sleep(rand() * 1000)
    if (done()) break
    const ms = Math.round(rand() * 1000)
    if (d === undefined || !signal(d, 'SIGSTOP')) {
      d = await daemonOf(sb) // replaced (auto starts another), or none yet
      continue
    }
    try {
      stops++
      stoppedMs += ms
      await sleep(ms)
    } finally {
      process.kill(d.pid, 'SIGCONT') // the process just stopped: no check stands between it and going on
    }
  }
  return { stops, stoppedMs }
}

t.test(`soak: ${GETS} gets while tokens change and the daemon stalls at random`, async t => {
  const sb = dsandbox('soak', 'auto')
  t.teardown(() => cleanup(sb))
  const tokens = await setUp(sb)
  await start(sb)
  const rand = rng(SEED)
  const t0 = Date.now()
  let left = GETS
  const gets: Array<{ h: History; from: number; to: number; r: RunResult }> = []
  const mutatorFailures: string[] = []
  const getter = async () => {
    while (left > 0) {
      left--
      const h = tokens[Math.floor(rand() * tokens.length)]
      const from = Date.now()
      const r = await run(bin, ['get'], { cwd: sb.dir, env: sb.env, input: ask(h) })
      gets.push({ h, from, to: Date.now(), r })
    }
  }
  let mutations = 0
  const mutator = async () => {
    while (left > 0) await mutate(sb, tokens, rand, ++mutations, mutatorFailures)
  }
  const [stalls] = await Promise.all([stopAtRandom(sb, rand, () => left <= 0), mutator(), ...Array.from({ length: PARALLEL }, getter)])
  const ms = Date.now() - t0
  const fromDaemon = requests(sb).filter(r => r.op === 'get' && r.via === 'daemon').length
  // Judged once every change is recorded: a get may end before the change whose secret it sent.
  const { bad, answered, none } = judge(tokens, gets)

  const took = gets.map(g => g.to - g.from).sort((x, y) => x - y)
  t.comment(
    `soak: ${GETS} gets (${answered} answered, ${none} none; ${fromDaemon} from the daemon; median ${took[took.length >> 1]} ms, ` +
      `slowest ${took.at(-1)} ms), ${mutations} changes, ${stalls.stops} daemon stops (${stalls.stoppedMs} ms), ${ms} ms wall`,
  )
  // The first of each kind (a kind: the message without its secret's label).
  const kinds = new Map(bad.map(b => [b.replace(/secret-\d+/g, 'secret-N'), b]))
  t.same([...kinds.values()], [], `no stale, wrong or failed answer (${bad.length} of ${GETS})`)
  t.same(mutatorFailures, [], 'every change succeeded')
  t.ok(fromDaemon > 0, 'the daemon answered some of them (else the soak proves little)')
  t.ok(stalls.stops > 0, 'the daemon was stopped at least once')
  t.ok(answered > GETS / 4, 'most gets were answered')
})
