// git's credential protocol (git-credential(1), "INPUT/OUTPUT FORMAT"; docs/git-credential-pat.md, "The git side").
import t from 'tap'
import { emptyCredential, formatCredential, fromUrl, MAX_LINE, parseCredential, type Credential } from '../../src/core/protocol.js'
import { PatError } from '../../src/errors.js'

const SECRET = 'glpat-Sup3rS3cretValue_xyz'

function errorOf(fn: () => unknown): PatError {
  try {
    fn()
  } catch (e) {
    if (e instanceof PatError) return e
    throw e
  }
  throw new Error('did not throw')
}

t.test('the plain attributes', async t => {
  const c = parseCredential(
    [
      'protocol=https',
      'host=gitlab.com:8443',
      'path=group/repo.git',
      'username=oauth2',
      `password=${SECRET}`,
      'password_expiry_utc=1893456000',
      'oauth_refresh_token=refresh-me',
      'authtype=Bearer',
      'credential=bearer-secret',
      '',
    ].join('\n'),
  )
  t.same(c, {
    protocol: 'https',
    host: 'gitlab.com:8443',
    path: 'group/repo.git',
    username: 'oauth2',
    password: SECRET,
    passwordExpiryUtc: 1893456000,
    oauthRefreshToken: 'refresh-me',
    authtype: 'Bearer',
    credential: 'bearer-secret',
    capability: [],
    wwwauth: [],
    state: [],
  })
  t.strictSame(parseCredential(''), emptyCredential(), 'empty input: empty credential')
  t.strictSame(parseCredential('\n'), emptyCredential(), 'a lone blank line: empty credential')
})

t.test('values are taken as-is', async t => {
  const c = parseCredential('password=a=b==\nusername= spaced \npath=\nhost=h\tx\n')
  t.equal(c.password, 'a=b==', 'split at the first =')
  t.equal(c.username, ' spaced ', 'no trimming')
  t.equal(c.path, '', 'empty value kept')
  t.equal(c.host, 'h\tx', 'tabs are not line breaks')
  t.equal(parseCredential('username=ü☃\n').username, 'ü☃', 'utf-8')
  t.equal(parseCredential('username=a\nusername=b\n').username, 'b', 'the last value wins')
})

t.test('input ends at a blank line or EOF', async t => {
  const c = parseCredential('protocol=https\nhost=a.example\n\nhost=b.example\nusername=x\n')
  t.equal(c.host, 'a.example')
  t.equal(c.username, undefined)
  t.equal(parseCredential('protocol=https\nhost=a.example').host, 'a.example', 'EOF without newline')
  // what follows the blank line is not ours to judge
  t.equal(parseCredential('host=a\n\nno equals sign here\n').host, 'a', 'junk after the blank line is ignored')
})

t.test('unknown keys are ignored', async t => {
  const c = parseCredential('protocol=https\nx-future=1\nhost=a\nnonsense[]=q\nPASSWORD=upper\nHost=b\n')
  t.equal(c.protocol, 'https')
  t.equal(c.host, 'a', 'keys are case-sensitive')
  t.equal(c.password, undefined)
  t.notOk('x-future' in c)
  t.notOk('nonsense' in c)
})

t.test('url= splits into parts', async t => {
  const cases: Array<[string, Partial<Credential>]> = [
    ['https://gitlab.com', { protocol: 'https', host: 'gitlab.com', path: undefined, username: undefined, password: undefined }],
    ['https://gitlab.com/', { protocol: 'https', host: 'gitlab.com', path: undefined }],
    ['https://gitlab.com/group/repo.git', { protocol: 'https', host: 'gitlab.com', path: 'group/repo.git' }],
    ['https://gitlab.com//group/repo//', { path: 'group/repo' }],
    ['https://gitlab.com:8443/x', { host: 'gitlab.com:8443', path: 'x' }],
    ['HTTPS://gitlab.com/x', { protocol: 'https' }],
    ['http://alice@gitlab.com/x', { protocol: 'http', username: 'alice', password: undefined, host: 'gitlab.com' }],
    ['https://alice:pw@gitlab.com/x', { username: 'alice', password: 'pw', host: 'gitlab.com', path: 'x' }],
    ['https://al%40ice:p%3Aw@gitlab.com/x', { username: 'al@ice', password: 'p:w', host: 'gitlab.com' }],
    ['https://alice:@gitlab.com', { username: 'alice', password: '' }],
    ['https://gitlab.com/gr%6Fup/repo', { path: 'group/repo' }],
    ['https://gitlab.com/a?b=c#d', { path: 'a' }],
    ['https://[::1]:8080/x', { host: '[::1]:8080', path: 'x' }],
    ['cert:///etc/ssl/cert.pem', { protocol: 'cert', host: '', path: 'etc/ssl/cert.pem' }],
  ]
  for (const [url, want] of cases) {
    const got = parseCredential(`url=${url}\n`)
    for (const [k, v] of Object.entries(want)) {
      t.equal(got[k as keyof Credential], v, `url=${url}: ${k}`)
    }
    t.same(fromUrl(url), got, `fromUrl(${url}) agrees`)
  }
})

t.test('url= resets every attribute read before it', async t => {
  const c = parseCredential(
    [
      'protocol=http',
      'host=old.example',
      'path=old/path',
      'username=olduser',
      'password=oldpass',
      'password_expiry_utc=1893456000',
      'oauth_refresh_token=old-refresh',
      'authtype=Basic',
      'credential=old-cred',
      'ephemeral=1',
      'capability[]=authtype',
      'wwwauth[]=Basic realm="x"',
      'state[]=helper:1',
      'url=https://gitlab.com',
      '',
    ].join('\n'),
  )
  t.strictSame(c, { ...emptyCredential(), protocol: 'https', host: 'gitlab.com' })

  const after = parseCredential('url=https://alice@gitlab.com/a\npath=b\nusername=bob\n')
  t.equal(after.path, 'b', 'attributes after url= override its parts')
  t.equal(after.username, 'bob')
  t.equal(after.host, 'gitlab.com')
})

t.test('url= that cannot be parsed is refused', async t => {
  for (const url of ['gitlab.com/x', 'git@gitlab.com:x.git', '://host', '']) {
    t.throws(() => parseCredential(`url=${url}\n`), { name: 'PatError', code: 'PROTOCOL' }, `url=${url}`)
  }
  t.throws(() => parseCredential('url=https://gitlab.com/%zz\n'), { code: 'PROTOCOL', message: /percent-encoding/ })
})

t.test('key[] lists: appended in order, an empty value clears', async t => {
  const c = parseCredential(
    [
      'capability[]=authtype',
      'capability[]=state',
      'wwwauth[]=Basic realm="GitLab"',
      'wwwauth[]=Bearer realm="x", error="invalid_token"',
      'state[]=pat:a',
      'state[]=pat:b',
      '',
    ].join('\n'),
  )
  t.same(c.capability, ['authtype', 'state'])
  t.same(c.wwwauth, ['Basic realm="GitLab"', 'Bearer realm="x", error="invalid_token"'])
  t.same(c.state, ['pat:a', 'pat:b'])

  const cleared = parseCredential('capability[]=authtype\ncapability[]=\ncapability[]=state\nwwwauth[]=a\nwwwauth[]=\nstate[]=x\nstate[]=\n')
  t.same(cleared.capability, ['state'], 'capability[] cleared then refilled')
  t.same(cleared.wwwauth, [], 'wwwauth[] cleared')
  t.same(cleared.state, [], 'state[] cleared')
  t.same(parseCredential('capability=authtype\n').capability, [], 'without [] it is another (unknown) key')
})

t.test('password_expiry_utc', async t => {
  const exp = (v: string) => parseCredential(`password_expiry_utc=${v}\n`).passwordExpiryUtc
  t.equal(exp('1893456000'), 1893456000)
  t.equal(exp('1'), 1)
  // Beyond the latest date a Date can hold (+275760-09-13,
  // 8640000000000 s) the expiry cannot be kept; it is read as unknown (the
  // token is kept, never thrown away over a date nobody will live to see).
  t.equal(exp('8640000000000'), 8640000000000, 'the latest representable date')
  t.equal(exp('8640000000001'), undefined, 'one second later: unknown')
  t.equal(exp('9007199254740991'), undefined, 'largest safe integer: unknown')
  t.equal(exp('9007199254740993'), undefined, 'beyond safe integers')
  t.equal(exp(''), undefined)
  t.equal(exp('-5'), undefined)
  t.equal(exp('+5'), undefined)
  t.equal(exp('12abc'), undefined)
  t.equal(exp('1.5'), undefined)
  t.equal(exp(' 12'), undefined)
  t.equal(exp('0x10'), undefined)
  t.equal(exp('2027-01-01'), undefined)
  t.equal(exp('0'), undefined, '0 is no expiry, as git reads it')
  t.equal(parseCredential('password_expiry_utc=100\npassword_expiry_utc=junk\n').passwordExpiryUtc, undefined, 'a later invalid value clears')
})

t.test('booleans: ephemeral, continue, quit', async t => {
  for (const v of ['1', 'true', 'TRUE', 'yes', 'on']) {
    t.equal(parseCredential(`ephemeral=${v}\n`).ephemeral, true, `ephemeral=${v}`)
    t.equal(parseCredential(`quit=${v}\n`).quit, true, `quit=${v}`)
    t.equal(parseCredential(`continue=${v}\n`).continue, true, `continue=${v}`)
  }
  for (const v of ['0', 'false', 'no', 'off', '']) {
    t.equal(parseCredential(`ephemeral=${v}\n`).ephemeral, false, `ephemeral=${v}`)
    t.equal(parseCredential(`quit=${v}\n`).quit, false, `quit=${v}`)
  }
  t.equal(parseCredential('host=a\n').quit, undefined, 'not sent: undefined')
})

t.test('malformed input is refused', async t => {
  const bad: Array<[string, string | Buffer, RegExp]> = [
    ['NUL in a value', 'protocol=https\nhost=a\0b\n', /NUL/],
    ['NUL after the blank line', 'protocol=https\n\nhost=a\0b\n', /NUL/],
    ['NUL as a buffer', Buffer.from([0x68, 0x6f, 0x73, 0x74, 0x3d, 0x00, 0x0a]), /NUL/],
    ['CR at the end of a line', 'protocol=https\r\nhost=a\r\n\r\n', /carriage return/],
    ['CR inside a value', 'host=a\rb\n', /carriage return/],
    ['CR inside a key', 'ho\rst=a\n', /carriage return/],
    ['CR as a whole line', 'host=a\n\r\n', /carriage return/],
    ['CR in an unknown attribute', 'x-note=a\rb\n', /carriage return/],
    ['a line without =', 'protocol=https\nhost\n', /invalid credential line|not key=value/],
    ['an empty key', '=value\n', /invalid credential line|not key=value/],
    ['a line over 65535 bytes', 'x-note=' + 'a'.repeat(MAX_LINE - 'x-note='.length + 1) + '\n', /longer than 65535/],
    ['a line over 65535 bytes at EOF', 'x-note=' + 'a'.repeat(MAX_LINE), /longer than 65535/],
    ['a huge line', 'x-note=' + 'a'.repeat(200_000) + '\n', /longer than 65535/],
  ]
  for (const [why, input, msg] of bad) {
    t.throws(() => parseCredential(input), { name: 'PatError', code: 'PROTOCOL', message: msg }, why)
  }
  t.equal(MAX_LINE, 65535)
  const exact = 'x-note=' + 'a'.repeat(MAX_LINE - 'x-note='.length)
  t.equal(Buffer.byteLength(exact), 65535)
  t.equal(parseCredential(`host=a\n${exact}\nusername=u\n`).username, 'u', 'a line of exactly 65535 bytes is accepted')
  const exactPw = 'password=' + 'p'.repeat(MAX_LINE - 'password='.length)
  t.equal(parseCredential(exactPw + '\n').password?.length, MAX_LINE - 'password='.length, 'a 65535-byte password line is accepted')
  // bytes, not characters: 2-byte characters count twice
  const wide = 'x-note=' + 'é'.repeat(Math.ceil((MAX_LINE - 'x-note='.length + 1) / 2))
  t.ok(wide.length <= MAX_LINE && Buffer.byteLength(wide) > MAX_LINE, 'fewer chars than bytes')
  t.throws(() => parseCredential(wide + '\n'), { code: 'PROTOCOL' }, 'the limit is in bytes')
})

// A value git sends that is not UTF-8 would come back as
// U+FFFD: a secret altered without a word. Refused whole instead (keytar
// holds JS strings, so the bytes could not be kept exactly).
t.test('invalid UTF-8 in a value we use is refused, never altered', async t => {
  const latin1 = (s: string) => Buffer.from(s, 'latin1')
  for (const key of ['password', 'credential', 'oauth_refresh_token', 'host', 'path', 'username', 'protocol', 'url', 'authtype']) {
    const input = Buffer.concat([Buffer.from(`protocol=https\nhost=ex.com\n`), latin1(`${key}=\xe9t\xe9-pw\n`), Buffer.from('\n')])
    const err = errorOf(() => parseCredential(input))
    t.equal(err.code, 'PROTOCOL', `${key}: refused`)
    t.match(err.message, new RegExp(`${key} is not valid UTF-8`), `${key}: says why`)
    t.notMatch(err.message, /t.-pw/, 'the value is not repeated')
  }
  for (const bytes of [[0xc3], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc0, 0xaf], [0xff]]) {
    const input = Buffer.concat([Buffer.from('password=a'), Buffer.from(bytes), Buffer.from('b\n')])
    t.throws(() => parseCredential(input), { code: 'PROTOCOL' }, `password with bytes ${bytes.map(b => b.toString(16)).join(' ')}`)
  }
  t.equal(parseCredential(Buffer.from('password=\u00e9t\u00e9-pw\n', 'utf8')).password, '\u00e9t\u00e9-pw', 'valid UTF-8 is kept exactly')
  t.equal(parseCredential(Buffer.from('password=\u{1F511}\n', 'utf8')).password, '\u{1F511}', 'four-byte characters too')
  // Headers from a server (wwwauth[]) and keys we ignore may be Latin-1; they are never stored or sent back.
  const lenient = Buffer.concat([
    Buffer.from('protocol=https\nhost=ex.com\n'),
    latin1('wwwauth[]=Basic realm="caf\xe9"\nx-note=\xe9\n\xe9=1\n'),
    Buffer.from('\n'),
  ])
  t.equal(parseCredential(lenient).host, 'ex.com', 'wwwauth[] and unknown attributes are not refused')
})

t.test('error messages never contain a password', async t => {
  const inputs: string[] = [
    `password=${SECRET}\nhost=a\0\n`,
    `password=${SECRET}\r\n`,
    `protocol=https\npassword=${SECRET}\nbroken line\n`,
    `password=${SECRET}\nx=${'a'.repeat(70_000)}\n`,
    `${SECRET}\n`,
    `url=https://alice:${SECRET}@gitlab.com/%zz\n`,
    `url=https://alice:${SECRET}%zz@gitlab.com/x\n`,
    `url=alice:${SECRET}@gitlab.com/x\n`,
    `url=//alice:${SECRET}@gitlab.com/x\n`,
    `oauth_refresh_token=${SECRET}\nnope\n`,
    `credential=${SECRET}\r\n`,
  ]
  for (const input of inputs) {
    const err = errorOf(() => parseCredential(input))
    t.equal(err.code, 'PROTOCOL', `refused: ${JSON.stringify(input.slice(0, 40))}`)
    t.notOk(err.message.includes(SECRET), `no secret in: ${err.message}`)
    t.notOk(err.message.includes('Sup3r'), `no part of the secret in: ${err.message}`)
    t.notMatch(err.message, /[\r\n\0]/, 'one line, no control characters')
  }
})

t.test('formatCredential', async t => {
  t.equal(
    formatCredential([
      ['username', 'oauth2'],
      ['password', SECRET],
      ['password_expiry_utc', 1893456000],
      ['oauth_refresh_token', undefined],
      ['capability[]', 'authtype'],
    ]),
    `username=oauth2\npassword=${SECRET}\npassword_expiry_utc=1893456000\ncapability[]=authtype\n`,
  )
  t.equal(formatCredential([]), '', 'nothing: empty output')
  t.equal(formatCredential([['username', '']]), 'username=\n', 'empty values are written')
  for (const v of ['a\nb', 'a\rb', 'a\0b', '\n', 'x\r\n']) {
    const err = errorOf(() => formatCredential([['password', v]]))
    t.equal(err.code, 'PROTOCOL', `refuses ${JSON.stringify(v)}`)
    t.notOk(err.message.includes(v.replace(/[\r\n\0]/g, '')) && v.length > 2, 'does not echo the value')
  }
  const err = errorOf(() => formatCredential([['password', `${SECRET}\nhost=evil.example`]]))
  t.notOk(err.message.includes(SECRET), 'the message names the key, not the value')
  t.match(err.message, /password/)
  // round trip
  const attrs: Array<[string, string]> = [
    ['protocol', 'https'],
    ['host', 'gitlab.com'],
    ['path', 'group/repo'],
    ['username', 'u'],
    ['password', 'p=q'],
  ]
  const back = parseCredential(formatCredential(attrs))
  t.same(
    [back.protocol, back.host, back.path, back.username, back.password],
    attrs.map(a => a[1]),
    'round trip',
  )
})

t.test("passwordAnswer: get's username/password answer, with the expiry git understands", async t => {
  const { passwordAnswer, expiryUtc } = await import('../../src/core/protocol.js')
  t.equal(expiryUtc({ expires: null }), undefined)
  t.equal(expiryUtc({ expires: '2027-01-31T00:00:00.000Z' }), 1801353600)
  t.equal(passwordAnswer({ username: 'u', expires: '2027-01-31T00:00:00.000Z' }, 's3'), 'username=u\npassword=s3\npassword_expiry_utc=1801353600\n')
  t.equal(passwordAnswer({ username: 'u', expires: null }, 's3', 'r1'), 'username=u\npassword=s3\noauth_refresh_token=r1\n')
  t.throws(() => passwordAnswer({ username: 'u', expires: null }, 'a\nb'), { code: 'PROTOCOL' }, 'a secret with a line break is refused, not smuggled')
})
