// Expiry warnings on `get` with an injected clock: the
// pure rules in src/warn.ts, the state file in src/warn-state.ts, and get()
// itself with env: tokens (no keychain) and a fake `git` that counts spawns.
import t from 'tap'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  parseDuration,
  parseWarnDays,
  shouldWarn,
  warningText,
  timeLeft,
  expiryText,
  warnConfig,
  nearExpiry,
  recordWarning,
  WARN_INTERVAL_DEFAULT_MS,
} from '../../src/core/warn.js'
import { warnOnGet, readWarnState } from '../../src/state/warn-state.js'
import { get } from '../../src/git/get.js'
import { parseCredential } from '../../src/core/protocol.js'
import type { TokenRecord } from '../../src/state/tokens.js'
import { errSink } from '../../src/log/stderr.js'

const DAY = 86_400_000
const HOUR = 3_600_000
const EXPIRES = '2027-01-31T00:00:00.000Z'
const at = (msBefore: number) => new Date(Date.parse(EXPIRES) - msBefore)
const cfg = { warnDays: 7, intervalMs: WARN_INTERVAL_DEFAULT_MS }

function token(over: Partial<TokenRecord> = {}): TokenRecord {
  return {
    name: 'gl',
    scope: 'gitlab.example.com',
    username: 'oauth2',
    provider: 'gitlab',
    expires: EXPIRES,
    access: 'read-write',
    created: '2026-01-01T00:00:00.000Z',
    state: 'active',
    source: 'env:GL_TOKEN',
    origin: 'add',
    ...over,
  }
}

t.test('settings', async t => {
  t.equal(parseDuration('24h'), DAY)
  t.equal(parseDuration('3600s'), HOUR)
  t.equal(parseDuration('3600'), HOUR, 'plain seconds')
  t.equal(parseDuration('1d'), DAY)
  t.equal(parseDuration('90m'), 90 * 60_000)
  t.equal(parseDuration('1w'), 7 * DAY)
  t.equal(parseDuration(' 2H '), 2 * HOUR)
  t.equal(parseDuration('soon'), null)
  t.equal(parseDuration('-1h'), null)
  t.equal(parseDuration(undefined), null)
  t.equal(parseWarnDays('14'), 14)
  t.equal(parseWarnDays('0'), 0)
  t.equal(parseWarnDays('a week'), null)
  t.same(warnConfig(new Map()), { warnDays: 7, intervalMs: DAY }, 'defaults: 7 days, 24h')
  t.same(
    warnConfig(
      new Map([
        ['credential.pat.warndays', '10'],
        ['credential.pat.warninterval', '1h'],
      ]),
    ),
    { warnDays: 10, intervalMs: HOUR },
  )
  t.same(
    warnConfig(
      new Map([
        ['credential.pat.warndays', 'x'],
        ['credential.pat.warninterval', 'y'],
      ]),
    ),
    { warnDays: 7, intervalMs: DAY },
    'bad values: defaults',
  )
})

t.test('when to warn', async t => {
  const tk = token()
  t.notOk(shouldWarn(tk, at(8 * DAY), cfg), '8 days left: no warning')
  t.notOk(shouldWarn(tk, at(7 * DAY + 1), cfg), 'a moment more than 7 days: no warning')
  t.ok(shouldWarn(tk, at(7 * DAY), cfg), '7 days left: warning')
  const first = recordWarning({}, tk, at(7 * DAY))['gl']
  t.notOk(shouldWarn(tk, at(7 * DAY - HOUR), cfg, first), 'second get within the interval: none')
  t.notOk(shouldWarn(tk, at(6 * DAY + 1), cfg, first), 'just under 24h later: still none')
  t.ok(shouldWarn(tk, at(6 * DAY), cfg, first), 'once the interval has passed: again')
  t.ok(shouldWarn(tk, at(7 * DAY - HOUR), { ...cfg, intervalMs: HOUR / 2 }, first), 'a shorter warnInterval')
  const late = recordWarning({}, tk, at(20 * HOUR))['gl']
  t.ok(shouldWarn(tk, at(20 * HOUR - 60_000), cfg, late), 'last 24 hours: every time')
  t.ok(shouldWarn(tk, at(60_000), cfg, late), 'a minute before: every time')
  t.notOk(shouldWarn(tk, at(0), cfg), 'expired: not this warning (get says it expired)')
  t.notOk(shouldWarn(tk, at(-DAY), cfg))
  t.notOk(shouldWarn(token({ expires: null }), at(DAY), cfg), 'unknown expiry: nothing')
  t.ok(shouldWarn(tk, at(9 * DAY), { ...cfg, warnDays: 10 }), 'warnDays 10')
  t.notOk(shouldWarn(tk, at(2 * DAY), { ...cfg, warnDays: 0 }), 'warnDays 0: off')
  t.ok(shouldWarn(tk, at(2 * HOUR), { ...cfg, warnDays: 0 }) === false, 'warnDays 0: off even at the end')
  t.notOk(shouldWarn(tk, at(40 * DAY), { ...cfg, warnDays: 60 }), 'warnDays is capped at 30')
  const rotated = recordWarning({}, token({ expires: '2027-01-20T00:00:00.000Z' }), at(7 * DAY))['gl']
  t.ok(shouldWarn(tk, at(7 * DAY - HOUR), cfg, rotated), 'a warning about another expiry (rotated token) does not count')
  const future = { at: at(3 * DAY).toISOString(), expires: EXPIRES }
  t.ok(shouldWarn(tk, at(5 * DAY), cfg, future), 'a last warning in the future (clock moved back) does not silence')
  t.ok(nearExpiry(tk, at(30 * DAY)))
  t.notOk(nearExpiry(tk, at(31 * DAY)), 'beyond 30 days get reads no config at all')
  t.notOk(nearExpiry(tk, at(0)))
})

t.test('the line', async t => {
  const tk = token({ name: 'ci-7', scope: 'gitlab.example.com/team/*' })
  t.equal(warningText(tk, at(3 * DAY)), "token 'ci-7' (gitlab.example.com/team/*) expires in 3 days, on 2027-01-31; rotate it: git-credential-pat rotate ci-7")
  t.match(warningText(tk, at(5 * HOUR + 60_000)), /expires in 5 hours, on 2027-01-31;/)
  // Calendar days to the expiry date: 23:00 two days before it is "in 2 days"; the last 24 hours count hours.
  t.match(warningText(tk, at(DAY + HOUR)), /expires in 2 days,/)
  t.match(warningText(tk, at(DAY)), /expires in 1 day,/)
  t.equal(timeLeft(90_000), '1 minute')
  t.equal(timeLeft(HOUR), '1 hour')
  t.equal(timeLeft(30_000), '1 minute', 'never "0 minutes"')
  t.equal(expiryText('2027-01-31T13:45:10.000Z'), '2027-01-31 13:45 UTC', 'a time other than midnight is shown')
})

t.test('recordWarning keeps the file small', async t => {
  const now = at(3 * DAY)
  const s = recordWarning(
    { old: { at: '2020-01-01T00:00:00.000Z', expires: '2020-02-01T00:00:00.000Z' }, other: { at: now.toISOString(), expires: EXPIRES } },
    token(),
    now,
  )
  t.same(Object.keys(s).sort(), ['gl', 'other'], 'entries for expired tokens are dropped')
})

/** A directory for state and a clean git config environment. */
function envFor(name: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(process.env.TMPDIR || tmpdir(), `gcp-warn-${name}-`))
  const gitconfig = join(dir, 'gitconfig')
  writeFileSync(gitconfig, '')
  // No daemon: these tests are about get itself, and nothing may outlive them.
  return {
    ...process.env,
    GIT_CREDENTIAL_PAT_HOME: join(dir, 'pat'),
    GIT_CONFIG_GLOBAL: gitconfig,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CREDENTIAL_PAT_DAEMON: 'never',
    ...extra,
  }
}

t.test('warnOnGet: state file, interval, loss', async t => {
  const env = envFor('state')
  const lines: string[] = []
  const deps = { config: () => new Map<string, string>(), say: (m: string) => void lines.push(m) }
  const tk = token()
  await warnOnGet(tk, at(8 * DAY), env, deps)
  t.same(lines, [], '8 days: nothing')
  t.notOk(existsSync(join(env.GIT_CREDENTIAL_PAT_HOME!, 'warned.json')), 'and no state written')
  await warnOnGet(tk, at(7 * DAY), env, deps)
  t.equal(lines.length, 1, '7 days: one line')
  const file = join(env.GIT_CREDENTIAL_PAT_HOME!, 'warned.json')
  t.same(readWarnState(file), { gl: { at: at(7 * DAY).toISOString(), expires: EXPIRES } })
  t.notMatch(readFileSync(file, 'utf8'), /secret|password/i)
  await warnOnGet(tk, at(7 * DAY - 2 * HOUR), env, deps)
  t.equal(lines.length, 1, 'second get within the interval: none')
  writeFileSync(file, '{not json')
  await warnOnGet(tk, at(7 * DAY - 3 * HOUR), env, deps)
  t.equal(lines.length, 2, 'a lost or corrupt state costs one extra warning')
  await warnOnGet(tk, at(7 * DAY - 4 * HOUR), env, deps)
  t.equal(lines.length, 2, '…and only one')
  await warnOnGet(tk, at(10 * HOUR), env, deps)
  await warnOnGet(tk, at(9 * HOUR), env, deps)
  t.equal(lines.length, 4, 'last 24 hours: every get')
  await warnOnGet(tk, at(3 * DAY), env, {
    ...deps,
    config: () => {
      throw new Error('git is gone')
    },
  })
  t.equal(lines.length, 4, 'a failure inside never reaches get')
})

// ---- get() itself -------------------------------------------------------

/** A fake git first on PATH that logs every call, then runs the real one. */
function countingGit(env: NodeJS.ProcessEnv): () => string[] {
  const dir = join(env.GIT_CREDENTIAL_PAT_HOME!, '..', 'fakebin')
  mkdirSync(dir, { recursive: true })
  const log = join(dir, 'calls.log')
  writeFileSync(log, '')
  const realGit = (process.env.PATH ?? '')
    .split(':')
    .map(p => join(p, 'git'))
    .find(p => existsSync(p))!
  writeFileSync(join(dir, 'git'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${realGit}' "$@"\n`)
  chmodSync(join(dir, 'git'), 0o755)
  env.PATH = `${dir}:${env.PATH}`
  return () => readFileSync(log, 'utf8').split('\n').filter(Boolean)
}

function writeTokens(env: NodeJS.ProcessEnv, tokens: TokenRecord[]) {
  mkdirSync(env.GIT_CREDENTIAL_PAT_HOME!, { recursive: true })
  writeFileSync(join(env.GIT_CREDENTIAL_PAT_HOME!, 'tokens.json'), JSON.stringify({ version: 1, tokens }))
}

async function captured<T>(fn: () => Promise<T>): Promise<{ value: T; stderr: string }> {
  const orig = errSink.write
  let stderr = ''
  errSink.write = text => void (stderr += text)
  try {
    return { value: await fn(), stderr }
  } finally {
    errSink.write = orig
  }
}

const ask = (host = 'gitlab.example.com', path?: string) => parseCredential(`protocol=https\nhost=${host}\n${path ? `path=${path}\n` : ''}\n`)

t.test('get: warnings with an injected clock', async t => {
  const env = envFor('get', { GL_TOKEN: 'glpat-secret-0001' })
  const calls = countingGit(env)
  writeTokens(env, [token()])
  const get1 = (now: Date) => captured(() => get(ask(), { now, env }))

  let r = await get1(at(8 * DAY))
  t.match(r.value, /^password=glpat-secret-0001$/m, 'the token is sent')
  t.match(r.value, `password_expiry_utc=${Date.parse(EXPIRES) / 1000}\n`, 'with password_expiry_utc')
  t.equal(r.stderr, '', '8 days left: no warning')

  r = await get1(at(7 * DAY))
  t.match(r.value, /password=glpat-secret-0001/)
  t.equal(
    r.stderr,
    "git-credential-pat: token 'gl' (gitlab.example.com) expires in 7 days, on 2027-01-31; rotate it: git-credential-pat rotate gl\n",
    '7 days left: one line on stderr',
  )
  t.notMatch(r.stderr, 'glpat-secret-0001')

  r = await get1(at(7 * DAY - HOUR))
  t.equal(r.stderr, '', 'second get within the interval: none')
  r = await get1(at(6 * DAY - HOUR))
  t.match(r.stderr, /expires in 6 days/, 'after the interval: again (calendar days to the expiry date)')

  r = await get1(at(12 * HOUR))
  t.match(r.stderr, /expires in 12 hours/)
  r = await get1(at(11 * HOUR))
  t.match(r.stderr, /expires in 11 hours/, 'last 24 h: always')
  t.match(r.value, /password=glpat-secret-0001/, 'and still sent')

  t.equal(calls().length, 1, 'git config read once for all those gets (memoised per env)')
})

t.test('get: git config only for a token near expiry, one spawn', async t => {
  // What get spawns anyway (nothing, when the env settles the daemon question).
  const base = envFor('base', { GL_TOKEN: 'glpat-secret-0002' })
  const baseCalls = countingGit(base)
  writeTokens(base, [token({ expires: null })])
  await captured(() => get(ask(), { now: at(9 * DAY), env: base }))
  const baseline = baseCalls()

  const far = envFor('far', { GL_TOKEN: 'glpat-secret-0002' })
  const farCalls = countingGit(far)
  writeTokens(far, [token()])
  await captured(() => get(ask(), { now: at(60 * DAY), env: far }))
  t.same(farCalls(), baseline, 'a token 31+ days from expiry: no git run for the warning')
  t.same(baseline, [], 'and none at all')

  const near = envFor('near', {
    GL_TOKEN: 'glpat-secret-0002',
    GIT_CONFIG_COUNT: '2',
    GIT_CONFIG_KEY_0: 'credential.pat.warnDays',
    GIT_CONFIG_VALUE_0: '10',
    GIT_CONFIG_KEY_1: 'credential.pat.warnInterval',
    GIT_CONFIG_VALUE_1: '3600s',
  })
  const nearCalls = countingGit(near)
  writeTokens(near, [token()])
  const r = await captured(() => get(ask(), { now: at(9 * DAY), env: near }))
  t.match(r.stderr, /expires in 9 days/, 'warnDays=10 from git config')
  t.same(nearCalls(), ['config -z --list'], 'exactly one git config spawn (shared with every other setting)')
  const again = await captured(() => get(ask(), { now: at(9 * DAY - 2 * HOUR), env: { ...near } }))
  t.match(again.stderr, /expires in 9 days/, 'warnInterval=3600s: two hours later it warns again')
})

t.test('get: an expired token is never sent, says so, and falls through', async t => {
  const env = envFor('expired', { OLD_TOKEN: 'glpat-old-secret-0003', NEW_TOKEN: 'glpat-new-secret-0004' })
  const old = token({ name: 'old', scope: 'gitlab.example.com/team/app', source: 'env:OLD_TOKEN', expires: '2027-01-31T00:00:00.000Z' })
  const now = at(-HOUR)
  writeTokens(env, [old])
  let r = await captured(() => get(ask('gitlab.example.com', 'team/app.git'), { now, env }))
  t.equal(r.value, '', 'no credential output')
  t.equal(
    r.stderr,
    "git-credential-pat: token 'old' (gitlab.example.com/team/app) expired on 2027-01-31; not sending it. Rotate it: git-credential-pat rotate old\n",
  )
  t.notMatch(r.stderr, 'glpat-old-secret-0003')

  const host = token({ name: 'host', source: 'env:NEW_TOKEN', expires: '2027-06-01T00:00:00.000Z' })
  writeTokens(env, [old, host])
  r = await captured(() => get(ask('gitlab.example.com', 'team/app.git'), { now, env }))
  t.match(r.value, /^password=glpat-new-secret-0004$/m, 'falls through to the next matching token')
  t.notMatch(r.value, 'glpat-old-secret-0003')
  t.match(r.stderr, /token 'old' .* expired on 2027-01-31/, 'and says why')
  t.match(r.stderr, /git-credential-pat rotate old/)
})
