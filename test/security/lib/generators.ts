// fast-check generators for git's credential protocol input (git-credential(1)
// "INPUT/OUTPUT FORMAT"): well-formed attributes, near misses and garbage,
// mixed per line, as bytes.
import fc from 'fast-check'

/** Secrets the sandbox is seeded with, so some generated input names them. */
export const SEEDED = { add: 'seed-added-secret-0001', store: 'seed-stored-secret-0002', other: 'seed-other-secret-0003' }

const HOSTS = [
  'ex.com',
  'EX.com',
  'ex.com.',
  'ex.com:443',
  'ex.com:8443',
  'other.org',
  'ex.com.evil.net',
  '[::1]:8080',
  '127.0.0.1',
  '',
  'user@ex.com',
  'ex.com:0',
  'ex.com:99999',
  'a'.repeat(64) + '.com',
  'ex.com/x',
]
const PATHS = ['g/r', 'g/r.git', 'g/r.git.git', 'g.git/x', 'g/', 'a/../b', 'g%2Fr', 'g//r', '%zz', '', '/', 'g/r?x=1', 'g/%0A']
const USERS = ['u', 'oauth2', 'v', '', 'u\u00e9', 'x-access-token']
const SECRETS = [SEEDED.add, SEEDED.store, SEEDED.other, 'fresh-secret-a', 'fresh-secret-b', '', 'glpat-AbCdEf0123456789xyz', 'p\u00e9\u{1F511}']
const URLS = [
  'https://ex.com/g/r.git',
  'https://u@ex.com',
  'https://u:pw@ex.com/g/r',
  'http://ex.com',
  'ftp://ex.com',
  'https://',
  'https://%zz@ex.com',
  'not a url',
  'https://ex.com:8443/g.git/x',
  'cert:///etc/x',
]
const EXPIRIES = ['0', '1', '1893456000', '8640000000000', '8640000000001', '9007199254740993', '99999999999999999999999', '-5', 'abc', '', '1.5', ' 12']

const text = fc.string({ maxLength: 30 })
const value = (known: string[]) => fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: text })

/** A key=value line with a key git sends. */
const knownLine = fc
  .oneof(
    value(['https', 'http', 'HTTPS', 'git', 'ftp', '']).map(v => `protocol=${v}`),
    value(HOSTS).map(v => `host=${v}`),
    value(PATHS).map(v => `path=${v}`),
    value(USERS).map(v => `username=${v}`),
    value(SECRETS).map(v => `password=${v}`),
    value(URLS).map(v => `url=${v}`),
    value(EXPIRIES).map(v => `password_expiry_utc=${v}`),
    value(['authtype', 'state', '']).map(v => `capability[]=${v}`),
    value(['Basic realm="x"', 'Bearer', '']).map(v => `wwwauth[]=${v}`),
    value(['1', '0', 'true', 'no']).map(v => `ephemeral=${v}`),
    value(['Bearer', 'Basic', '']).map(v => `authtype=${v}`),
    value(SECRETS).map(v => `credential=${v}`),
    value(['pat:1', 'x', '']).map(v => `state[]=${v}`),
    value(SECRETS).map(v => `oauth_refresh_token=${v}`),
    value(['1', '0']).map(v => `quit=${v}`),
  )
  .map(s => Buffer.from(s, 'utf8'))

/** Anything else: random keys, lines without '=', raw bytes (NUL, CR, invalid UTF-8), over-long lines. */
const oddLine = fc.oneof(
  fc.tuple(text, text).map(([k, v]) => Buffer.from(`${k}=${v}`, 'utf8')),
  text.filter(s => !s.includes('=') && !s.includes('\n')).map(s => Buffer.from(s, 'utf8')),
  fc.uint8Array({ maxLength: 40 }).map(a => Buffer.from(a)),
  fc
    .tuple(
      fc.constantFrom('password', 'host', 'path', 'username', 'credential', 'x-note', 'wwwauth[]'),
      fc.uint8Array({ maxLength: 12 }),
      fc.constantFrom(0, 13, 0xff, 0xc3, 0xe9, 0x80),
    )
    .map(([k, a, b]) => Buffer.concat([Buffer.from(`${k}=`), Buffer.from(a), Buffer.from([b])])),
  fc
    .tuple(fc.constantFrom('password', 'x-note', 'path'), fc.integer({ min: 65_500, max: 70_000 }))
    .map(([k, n]) => Buffer.from(`${k}=${'a'.repeat(n - k.length - 1)}`)),
  fc.constant(Buffer.from('\r')),
)

const line = fc.oneof({ weight: 6, arbitrary: knownLine }, { weight: 2, arbitrary: oddLine }, { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) })

/** A whole input: 0-12 lines, ended by a blank line, a newline, or nothing (EOF). */
export const protocolInput = fc
  .tuple(fc.array(line, { maxLength: 12 }), fc.constantFrom('\n\n', '\n', ''))
  .map(([lines, end]) => Buffer.concat([Buffer.from(lines.map(l => l.toString('latin1')).join('\n'), 'latin1'), Buffer.from(end)]))

/** A value as bytes: usually a known one, sometimes with bytes that are not UTF-8. */
const bytesOf = (known: string[]) =>
  fc.oneof(
    { weight: 9, arbitrary: fc.constantFrom(...known).map(v => Buffer.from(v, 'utf8')) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...known), fc.constantFrom([0xe9], [0xff], [0xc3], [0xed, 0xa0, 0x80], [0xc0, 0xaf]))
        .map(([v, b]) => Buffer.concat([Buffer.from(v), Buffer.from(b)])),
    },
  )

/**
 * Inputs that are mostly complete (protocol, host, username, password), so
 * store and erase do real work: expiries at and past the representable
 * range, non-UTF-8 secrets and names, extra attributes of every kind.
 */
export const wellFormed = fc
  .record({
    protocol: fc.option(
      fc.constantFrom('https', 'http').map(v => Buffer.from(v)),
      { freq: 8 },
    ),
    host: fc.option(bytesOf(HOSTS.slice(0, 8)), { freq: 8 }),
    path: fc.option(bytesOf(PATHS.slice(0, 6)), { freq: 2 }),
    username: fc.option(bytesOf(USERS.slice(0, 3)), { freq: 8 }),
    password: fc.option(bytesOf(SECRETS.slice(0, 5)), { freq: 8 }),
    password_expiry_utc: fc.option(
      fc.constantFrom(...EXPIRIES).map(v => Buffer.from(v)),
      { freq: 2 },
    ),
    oauth_refresh_token: fc.option(bytesOf(['refresh-1', 'refresh-2']), { freq: 4 }),
  })
  .chain(fields => fc.tuple(fc.constant(fields), fc.array(knownLine, { maxLength: 3 }), fc.shuffledSubarray(Object.keys(fields))))
  .map(([fields, extra, order]) => {
    // The extra attributes first: a url= among them resets only them.
    const parts: Buffer[] = []
    for (const e of extra) parts.push(e, Buffer.from('\n'))
    for (const k of order) {
      const v = fields[k as keyof typeof fields]
      if (v) parts.push(Buffer.from(`${k}=`), v, Buffer.from('\n'))
    }
    parts.push(Buffer.from('\n'))
    return Buffer.concat(parts)
  })

export const operation = fc.constantFrom('get' as const, 'store' as const, 'erase' as const)
