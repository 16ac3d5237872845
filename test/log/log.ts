// Logging: pino's JSON lines with secrets redacted, whether pino
// itself writes them (daemon, CLI) or the lean writer of the get path does;
// the level from GIT_CREDENTIAL_PAT_LOG; a readable trace on stderr.
import t from 'tap'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { type LevelName, configureLog, formatEvent, levelFrom, logger, logRequest, note, pinoOptions, redactFields, usePino } from '../../src/log/log.js'
import { statePaths } from '../../src/state/paths.js'
import { errSink } from '../../src/log/stderr.js'

const SECRETS = ['glpat-s1-password', 'ghp_s2secretvalue', 's3-token-value-123456', 's4-credential-abc', 's5-nested-pw', 's6-refresh-xyz']

function event() {
  return {
    name: 'gl-token',
    password: SECRETS[0],
    secret: SECRETS[1],
    token: SECRETS[2],
    credential: SECRETS[3],
    req: { password: SECRETS[4], host: 'gitlab.com' },
    oauth_refresh_token: SECRETS[5],
  }
}

function home(): { env: NodeJS.ProcessEnv; file: string } {
  const dir = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'gcp-log-'))
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_CREDENTIAL_PAT_HOME: dir, GIT_CREDENTIAL_PAT_LOG: 'trace' }
  delete env.GIT_CREDENTIAL_PAT_TRACE
  return { env, file: join(dir, 'log', 'git-credential-pat.log') }
}

function lines(file: string): Array<Record<string, unknown>> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(l => JSON.parse(l))
}

t.afterEach(() => configureLog(process.env, statePaths(process.env).log))

for (const backend of ['pino', 'lean'] as const) {
  t.test(`${backend}: secret fields are redacted, the rest kept`, async t => {
    const { env, file } = home()
    configureLog(env, statePaths(env).log)
    if (backend === 'pino') await usePino()
    logger('test').info(event(), 'an event')
    logger('test').debug({ nested: { deeper: { token: SECRETS[2] } } }, 'deep')
    const text = readFileSync(file, 'utf8')
    for (const s of SECRETS) t.notOk(text.includes(s), `${s} is not in the log`)
    const [rec] = lines(file)
    t.match(rec, {
      level: 30,
      msg: 'an event',
      component: 'test',
      name: 'gl-token',
      password: '[Redacted]',
      req: { host: 'gitlab.com', password: '[Redacted]' },
    })
    t.type(rec.time, 'number')
    t.type(rec.pid, 'number')
    t.type(rec.hostname, 'string')
  })
}

t.test("pino's own redact paths, without our pre-redaction", async t => {
  const { file } = home()
  const dest = pino.destination({ dest: file, sync: true, mkdir: true })
  const raw = pino(pinoOptions('info'), dest)
  raw.info(event(), 'raw')
  dest.end()
  const text = readFileSync(file, 'utf8')
  for (const s of SECRETS) t.notOk(text.includes(s), `${s} is not in the log`)
  t.match(lines(file)[0], { password: '[Redacted]', token: '[Redacted]', req: { password: '[Redacted]' }, name: 'gl-token' })
})

t.test('the lean writer and pino write the same shape', async t => {
  const a = home()
  configureLog(a.env, statePaths(a.env).log)
  logger('x').warn({ name: 'n', n: 1 }, 'm')
  const b = home()
  configureLog(b.env, statePaths(b.env).log)
  await usePino()
  logger('x').warn({ name: 'n', n: 1 }, 'm')
  const strip = (r: Record<string, unknown>) => ({ ...r, time: 0, pid: 0 })
  t.same(strip(lines(a.file)[0]), strip(lines(b.file)[0]))
})

t.test("git's path writes pino's lines: byte for byte but the time, at every level, redaction included", async t => {
  const events: Array<[LevelName, Record<string, unknown>, string]> = [
    ['trace', { name: 'n' }, 'trace'],
    ['debug', { n: 1, ok: true, none: null }, 'debug'],
    ['info', { url: 'https://h/p', password: 'p', nested: { token: 't', keep: 'k' } }, 'info "quoted" \u00e9'],
    ['warn', { list: [1, 'two'] }, 'warn'],
    ['error', { err: 'boom', secret: 's' }, 'error'],
    ['fatal', {}, 'fatal'],
  ]
  const written = async (pino: boolean) => {
    const h = home()
    configureLog({ ...h.env, GIT_CREDENTIAL_PAT_LOG: 'trace' }, statePaths(h.env).log)
    if (pino) await usePino()
    const before = Date.now()
    for (const [level, fields, msg] of events) logger('git')[level](fields, msg)
    return { text: readFileSync(h.file, 'utf8'), before, after: Date.now() }
  }
  const lean = await written(false)
  const viaPino = await written(true)
  const times = (w: { text: string }) => [...w.text.matchAll(/"time":(\d+),/g)].map(m => Number(m[1]))
  for (const w of [lean, viaPino]) {
    t.equal(times(w).length, events.length, 'one line per event, time as epoch milliseconds right after the level')
    t.ok(
      times(w).every(x => x >= w.before && x <= w.after),
      'the time of writing',
    )
  }
  const untimed = (w: { text: string }) => w.text.replace(/"time":\d+,/g, '"time":0,')
  t.equal(untimed(lean), untimed(viaPino), 'the same bytes: keys, their order, levels, pid, hostname, redaction')
})

t.test('level from GIT_CREDENTIAL_PAT_LOG', async t => {
  t.equal(levelFrom(undefined), 30)
  t.equal(levelFrom('debug'), 20)
  t.equal(levelFrom('WARN'), 40)
  t.equal(levelFrom('silent'), null)
  t.equal(levelFrom('nonsense'), 30)
  const { env, file } = home()
  configureLog({ ...env, GIT_CREDENTIAL_PAT_LOG: 'warn' }, statePaths(env).log)
  logger('x').info({}, 'quiet')
  logger('x').error({}, 'loud')
  t.same(
    lines(file).map(r => r.msg),
    ['loud'],
  )
  const s = home()
  configureLog({ ...s.env, GIT_CREDENTIAL_PAT_LOG: 'silent' }, statePaths(s.env).log)
  logger('x').fatal({}, 'nothing')
  t.notOk(existsSync(s.file), 'silent writes no file')
})

t.test('GIT_CREDENTIAL_PAT_TRACE=1 mirrors a readable, redacted line to stderr', async t => {
  const { env } = home()
  configureLog({ ...env, GIT_CREDENTIAL_PAT_TRACE: '1', GIT_CREDENTIAL_PAT_LOG: 'info' }, statePaths(env).log)
  const written: string[] = []
  const orig = errSink.write
  errSink.write = text => void written.push(text)
  try {
    logger('helper').info({ ...event(), outcome: 'answered', ms: 3.2 }, 'request')
    logger('helper').debug({}, 'below the level')
  } finally {
    errSink.write = orig
  }
  t.equal(written.length, 1)
  t.match(
    written[0],
    /^git-credential-pat: trace: \d\d:\d\d:\d\d\.\d{3} INFO  helper\[\d+\] request name=gl-token password=\[Redacted\].* outcome=answered \(3\.2 ms\)\n$/,
  )
  for (const s of SECRETS) t.notOk(written[0].includes(s))
})

t.test('error text is scrubbed of token-looking words; redaction is deep', async t => {
  t.same(redactFields({ err: 'bad token glpat-abcdefghijklmnop12345 here', a: [{ secret: 'x' }] }), {
    err: 'bad token [redacted] here',
    a: [{ secret: '[Redacted]' }],
  })
})

t.test('one request line with what the request noted', async t => {
  const { env, file } = home()
  configureLog(env, statePaths(env).log)
  note({ name: 'gl', via: 'daemon' })
  logRequest(
    'get',
    { protocol: 'https', host: 'gitlab.com', path: 'g/r.git', username: 'oauth2', password: SECRETS[0] } as never,
    performance.now() - 5,
    'answered',
  )
  const [rec] = lines(file)
  t.match(rec, {
    component: 'helper',
    msg: 'request',
    op: 'get',
    url: 'https://gitlab.com/g/r.git',
    username: 'oauth2',
    name: 'gl',
    via: 'daemon',
    outcome: 'answered',
  })
  t.ok((rec.ms as number) >= 5)
  t.notOk(JSON.stringify(rec).includes(SECRETS[0]))
  t.match(formatEvent(rec), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} INFO  helper\[\d+\] request op=get url=https:\/\/gitlab.com\/g\/r.git/)
})
