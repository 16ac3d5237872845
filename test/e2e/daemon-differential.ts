// The daemon's whole answer against the process's own (docs/git-credential-pat.md,
// "The daemon": it makes the process's own decision), on generated
// token sets, requests and mutations. After every step, a get or store
// answered by a warm daemon must give git exactly what the process alone
// gives it (stdout, stderr, exit status), or the daemon must decline.
//
// Most steps run in this process: the daemon's real request handler behind
// its socket, and git/get.ts and git/store.ts talking to that daemon as a
// process does, against real state files and the test keyring. A smaller
// part runs the built program against a real daemon. The seed is printed;
// GCP_DIFF_SEED=<seed> replays a run, GCP_DIFF_RUNS sets how many scenarios.
import t from 'tap'
import fc from 'fast-check'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { testDaemon } from '../daemon/lib/in-process.js'
import { daemonLink, request } from '../../src/daemon/client/client.js'
import { useDaemon } from '../../src/state/daemon-link.js'
import { useTestKeychain } from '../lib/context.js'
import { parseCredential } from '../../src/core/protocol.js'
import { servesProtocol } from '../../src/core/answer.js'
import { get } from '../../src/git/get.js'
import { store } from '../../src/git/store.js'
import { erase } from '../../src/git/erase.js'
import { errSink } from '../../src/log/stderr.js'
import { report } from '../../src/log/report.js'
import { readMetadata } from '../../src/state/tokens.js'
import { scenario, requestSpec, World, HOSTS, USERS, type RequestSpec, type Mutation } from './lib/differential.js'
import { dsandbox, cleanup, start, requests } from './lib/daemon.js'

// As git/helper.ts does: the daemon's client in front of the sources.
useDaemon(daemonLink, process.env)
// As the entry point does: the keychain of this process's environment is the one in use.
useTestKeychain()

const seed = Number(process.env.GCP_DIFF_SEED ?? randomBytes(4).readUInt32BE(0) >> 1)
const RUNS = Number(process.env.GCP_DIFF_RUNS ?? 45)
const STEPS = 50

interface Answer {
  out: string
  err: string
  code: number
}

// A backstop for a machine shared with other runs (about a minute and a half alone; under a load of 30, four).
t.setTimeout(8 * 60_000)

t.comment(`seed ${seed} (replay: GCP_DIFF_SEED=${seed} npm test -- test/e2e/daemon-differential.ts)`)

t.test('in process: a warm daemon answers as the process does, or declines', async t => {
  const d = await testDaemon(t, {}, 'differential')
  const home = d.env.GIT_CREDENTIAL_PAT_HOME!
  // The daemon serves the home its own environment names; the keychain service is per scenario.
  const saved = { ...process.env }
  t.teardown(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k]
    Object.assign(process.env, saved)
  })
  Object.assign(process.env, {
    GIT_CREDENTIAL_PAT_HOME: home,
    GIT_CREDENTIAL_PAT_DAEMON: 'auto',
    GIT_CREDENTIAL_PAT_DAEMON_TIMEOUT_MS: '10000',
    GIT_TERMINAL_PROMPT: '0',
    HOME: join(d.dir, 'home'),
    GIT_CONFIG_NOSYSTEM: '1',
  })
  delete process.env.GIT_CREDENTIAL_PAT_LOG
  const env = process.env
  const counts = { steps: 0, answered: 0, declined: 0, requests: 0 }

  /** git's view of one request done by the process alone. */
  async function processAlone(op: 'get' | 'store', input: string): Promise<Answer> {
    const orig = errSink.write
    let err = ''
    errSink.write = text => void (err += text)
    try {
      const cred = parseCredential(input)
      if (!servesProtocol(cred)) return { out: '', err, code: 0 }
      if (op === 'get') return { out: await get(cred, { env, now: new Date() }), err, code: 0 }
      await store(cred, { env, now: new Date() })
      return { out: '', err, code: 0 }
    } catch (e) {
      return { out: '', err, code: report(e) }
    } finally {
      errSink.write = orig
    }
  }

  /** git's view when the daemon answered it whole, or null when it declined. */
  async function daemonWhole(op: 'get' | 'store', input: string, w: World): Promise<Answer | null> {
    const r = await request(
      d.paths,
      { op: 'helper', action: op, input, metadata: w.metadata, pending: w.pending, service: env.GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE },
      10_000,
    )
    if (!r.ok || !r.handled) return null
    return { out: r.out ?? '', err: (r.notes ?? []).map(n => `git-credential-pat: ${n}\n`).join(''), code: 0 }
  }

  const secretsNow = (w: World) => readMetadata(w.metadata).tokens.map(x => w.secrets.get(x.name) ?? 'none')

  async function mutate(w: World, m: Mutation): Promise<void> {
    switch (m.kind) {
      case 'add':
        return w.add(m.spec)
      case 'disable':
      case 'enable':
        await w.change(m.token, x => {
          x.state = m.kind === 'disable' ? 'disabled' : 'active'
          if (m.kind === 'enable') delete x.rejected
        })
        return
      case 'rotate':
        await w.change(m.token, x => w.rotate(x))
        return
      case 'remove':
        await w.change(m.token, (x, meta) => w.remove(x, meta))
        return
      case 'edit':
        await w.change(m.token, x => w.edit(x, m))
        return
      case 'erase': {
        // git after a 401 with this token's secret, for a URL the token covers.
        const meta = readMetadata(w.metadata)
        if (!meta.tokens.length) return
        const x = meta.tokens[m.token % meta.tokens.length]
        const host = x.scope.replace(/^http:\/\//, '').split('/')[0]
        const protocol = x.scope.startsWith('http://') ? 'http' : 'https'
        const input = `protocol=${protocol}\nhost=${host}\nusername=${x.username}\npassword=${w.secrets.get(x.name) ?? 'none'}\n\n`
        const orig = errSink.write
        errSink.write = () => {}
        try {
          await erase(parseCredential(input), { env, now: new Date() })
        } finally {
          errSink.write = orig
        }
        return
      }
      case 'session': {
        const secret = w.newSecret()
        const r = await request(d.paths, { op: 'session-put', scope: w.sessionScope(m.host, m.scope), username: USERS[m.user], secret }, 10_000)
        if (r.ok) w.session = { secret }
        return
      }
      case 'pending':
        w.pendingFor(m.request, m.choice, w.newSecret())
    }
  }

  async function ask(w: World, r: RequestSpec, where: string): Promise<void> {
    const input = w.input(r, secretsNow(w))
    if (r.warm) await processAlone('get', input.replace(/^(username|password|password_expiry_utc|ephemeral|oauth_refresh_token)=.*\n/gm, ''))
    const whole = await daemonWhole(r.op, input, w)
    // A get the daemon declined changes nothing worth keeping (a warning's date); a store is done as git would have it done.
    if (whole === null && r.op === 'get') {
      counts.requests++
      return void counts.declined++
    }
    const alone = await processAlone(r.op, input)
    counts.requests++
    if (whole === null) return void counts.declined++
    counts.answered++
    if (whole.out !== alone.out || whole.err !== alone.err || whole.code !== alone.code) {
      throw new Error(
        `${where}: the daemon's answer differs from the process's\n${r.op} input:\n${input.replace(/password=.*/g, 'password=…')}` +
          `daemon:  ${JSON.stringify(whole)}\nprocess: ${JSON.stringify(alone)}`,
      )
    }
  }

  let run = 0
  await fc.assert(
    fc.asyncProperty(scenario(STEPS), async sc => {
      const w = new World(home, env, `r${++run}`)
      env.GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE = `gcp-differential-${seed}-${run}`
      w.reset(randomBytes(8).toString('hex'))
      await request(d.paths, { op: 'forget' }, 10_000)
      await request(d.paths, { op: 'session-drop' }, 10_000)
      for (const spec of sc.tokens) await w.add(spec)
      for (const [i, s] of sc.steps.entries()) {
        counts.steps++
        if ('mutation' in s) await mutate(w, s.mutation)
        else await ask(w, s.request, `scenario ${run}, step ${i + 1}`)
      }
    }),
    { seed, numRuns: RUNS, endOnFailure: true },
  )
  t.comment(`${counts.steps} steps: ${counts.requests} requests, ${counts.answered} answered by the daemon, ${counts.declined} declined`)
  t.ok(counts.steps >= 2000 || RUNS < 45, `at least 2,000 generated steps (${counts.steps})`)
  t.ok(counts.answered > 0, 'the daemon answered some (the comparison is not empty)')
  t.ok(counts.declined > 0, 'and declined some')
})

t.test('real processes: the program with a warm daemon answers as without it', async t => {
  const sb = dsandbox('differential')
  t.teardown(() => cleanup(sb))
  const H = HOSTS[0]
  const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10)
  await sb.addToken(`${H}/g/r`, 'glpat-real-repo-0001', ['--name', 'repo', '--expires', day(90), '--username', 'oauth2'])
  await sb.addToken(`${H}/g/*`, 'glpat-real-group-002', ['--name', 'group', '--expires', day(90), '--username', 'alice'])
  await sb.addToken(H, 'glpat-real-host-0003', ['--name', 'host', '--username', 'oauth2'])
  await sb.addToken(`${H}/g/sub/*`, 'glpat-real-old-00004', ['--name', 'old', '--expires', '2020-01-01', '--force', '--username', 'bob'])
  await sb.addToken(`http://${H}`, 'glpat-real-http-0005', ['--name', 'http', '--expires', day(3), '--username', 'oauth2'])
  await sb.addToken(HOSTS[1], 'glpat-real-other-006', ['--name', 'off', '--username', 'oauth2'])
  if ((await sb.pat(['disable', 'off'])).code !== 0) throw new Error('disable failed')
  await sb.gitConfig([['credential.pat.warnInterval', '0']])
  await start(sb)
  const secrets = ['glpat-real-repo-0001', 'glpat-real-group-002', 'glpat-real-host-0003', 'glpat-real-old-00004']
  const w = new World(sb.env.GIT_CREDENTIAL_PAT_HOME!, {}, 'real')
  let compared = 0
  for (const r of fc.sample(requestSpec, { seed, numRuns: 24 })) {
    const input = w.input(r, secrets)
    await sb.pat([r.op], { input, env: { GIT_CREDENTIAL_PAT_LOG: 'info' } }) // warm: the process reads and caches
    const before = requests(sb).length
    const fast = await sb.pat([r.op], { input })
    const byDaemon = requests(sb)
      .slice(before)
      .some(x => x.answeredBy === 'daemon')
    const slow = await sb.pat([r.op], { input, env: { GIT_CREDENTIAL_PAT_LOG: 'info' } })
    if (byDaemon) compared++
    t.same(
      { out: fast.stdout, err: fast.stderr, code: fast.code },
      { out: slow.stdout, err: slow.stderr, code: slow.code },
      `${r.op} ${input.split('\n').slice(0, 3).join(' ')}`,
    )
  }
  t.ok(compared > 0, `the daemon answered ${compared} of them`)
})
