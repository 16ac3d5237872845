// Token metadata: one JSON file, no secrets, schema-versioned,
// written atomically under a lock; a corrupt file is reported and left alone.
import t from 'tap'
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, chmodSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import { spawn, spawnSync } from 'node:child_process'
import { hostname } from 'node:os'
import {
  findToken,
  parseMetadata,
  readMetadata,
  readTokensFor,
  serialize,
  SCHEMA_VERSION,
  updateMetadata,
  type Metadata,
  type TokenRecord,
} from '../../src/state/tokens.js'
import { isAlive, startTime } from '../../src/state/lock.js'
import { accountFor, accountIn, bindStore, storeId } from '../../src/state/keychain-account.js'
import { PatError } from '../../src/errors.js'
import { tokenRecord } from '../lib/token.js'
import { useTestKeychain } from '../lib/context.js'

// As the entry point does: the keychain of this process's environment is the one in use.
useTestKeychain()

const rec = (name: string, extra: Partial<TokenRecord> = {}): TokenRecord => tokenRecord({ name, ...extra })

t.test('readMetadata: a missing file is an empty set of tokens', async t => {
  const dir = t.testdir()
  const file = join(dir, 'nope', 'tokens.json')
  t.same(readMetadata(file), { version: SCHEMA_VERSION, tokens: [] })
  t.notOk(existsSync(file), 'reading does not create it')
  t.notOk(existsSync(join(dir, 'nope')), 'nor its directory')
})

t.test('readMetadata: a valid file', async t => {
  const m: Metadata = { version: 1, tokens: [rec('a'), rec('b', { scope: 'gitlab.com/group/*', expires: '2027-01-01T00:00:00.000Z' })] }
  const dir = t.testdir({ 'tokens.json': JSON.stringify(m) })
  t.same(readMetadata(join(dir, 'tokens.json')), m)
  t.equal(SCHEMA_VERSION, 2)
})

t.test('readMetadata: a bad file is a METADATA error naming it, and is left byte-for-byte unchanged', async t => {
  const bad: Array<[string, string | Buffer, RegExp]> = [
    ['not JSON', '{"version": 1, "tokens": [', /not valid JSON/],
    ['empty file', '', /not valid JSON/],
    ['binary junk', Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x0a]), /not valid JSON/],
    ['JSON null', 'null', /not an object/],
    ['a number', '42', /not an object/],
    ['a string', '"tokens"', /not an object/],
    ['an array', '[]', /no schema version/],
    ['no version', '{"tokens": []}', /no schema version/],
    ['version as a string', '{"version": "1", "tokens": []}', /no schema version/],
    ['no tokens', '{"version": 1}', /no token list/],
    ['tokens not a list', '{"version": 1, "tokens": {}}', /no token list/],
    ['a null record', '{"version": 1, "tokens": [null]}', /lacks name, scope or source/],
    ['a record without name', '{"version": 1, "tokens": [{"scope": "gitlab.com", "source": "keychain"}]}', /lacks name/],
    ['a record without scope', '{"version": 1, "tokens": [{"name": "a", "source": "keychain"}]}', /lacks name, scope/],
    ['a record without source', '{"version": 1, "tokens": [{"name": "a", "scope": "gitlab.com"}]}', /lacks name, scope or source/],
    ['a record with a numeric name', '{"version": 1, "tokens": [{"name": 5, "scope": "x", "source": "keychain"}]}', /lacks name/],
    ['a newer schema', '{"version": 3, "tokens": []}', /schema version 3, newer than this git-credential-pat \(2\); upgrade/],
    ['a store id that is not 16 hex digits', '{"version": 2, "id": "../other", "tokens": []}', /store id is not 16 hex digits/],
    ['a store id that is a number', '{"version": 2, "id": 7, "tokens": []}', /store id/],
    ['a much newer schema', JSON.stringify({ version: 99, tokens: [{ whatever: true }] }), /schema version 99/],
  ]
  for (const [why, content, msg] of bad) {
    await t.test(why, async t => {
      const dir = t.testdir({ 'tokens.json': content })
      const file = join(dir, 'tokens.json')
      const before = readFileSync(file)
      const mtime = statSync(file).mtimeMs
      let err: unknown
      try {
        readMetadata(file)
      } catch (e) {
        err = e
      }
      t.ok(err instanceof PatError, 'a PatError')
      t.equal((err as PatError).code, 'METADATA')
      t.match((err as PatError).message, msg)
      t.ok((err as PatError).message.includes(file), 'names the file')

      // updateMetadata refuses it too, without calling change() or writing
      let called = false
      await t.rejects(
        updateMetadata(file, m => {
          called = true
          m.tokens = []
        }),
        { code: 'METADATA' },
      )
      t.notOk(called, 'change() never ran')
      t.ok(readFileSync(file).equals(before), 'file unchanged byte for byte')
      t.equal(statSync(file).mtimeMs, mtime, 'not rewritten')
      t.same(readdirSync(dir), ['tokens.json'], 'no lock or temp file left behind')
    })
  }
})

t.test('readMetadata: a directory in the way is a METADATA error', async t => {
  const dir = t.testdir({ 'tokens.json': {} })
  t.throws(() => readMetadata(join(dir, 'tokens.json')), { name: 'PatError', code: 'METADATA', message: /EISDIR/ })
})

t.test('parseMetadata accepts older and current schema versions', async t => {
  t.same(parseMetadata('{"version":1,"tokens":[]}', 'f'), { version: 1, tokens: [] })
  t.same(parseMetadata('{"version":0,"tokens":[]}', 'f').version, 0)
  t.throws(() => parseMetadata('{"version":1.5,"tokens":[]}', '/x/tokens.json'), { code: 'METADATA', message: /\/x\/tokens\.json/ })
})

t.test('updateMetadata: creates the directory and writes the file with mode 0600', async t => {
  const dir = t.testdir()
  const file = join(dir, 'deep', 'er', 'tokens.json')
  const result = await updateMetadata(file, m => {
    t.same(m.tokens, [], 'starts empty')
    t.match(m.id, /^[0-9a-f]{16}$/, 'with its store id already given')
    m.tokens.push(rec('first'))
    return 'the result'
  })
  t.equal(result, 'the result', 'returns what change() returns')
  t.ok(existsSync(file))
  t.equal(statSync(file).mode & 0o777, 0o600, 'file mode 0600')
  t.equal(statSync(join(dir, 'deep', 'er')).mode & 0o777, 0o700, 'directory mode 0700')
  const text = readFileSync(file, 'utf8')
  t.ok(text.endsWith('\n'), 'ends with a newline')
  const written = JSON.parse(text)
  t.match(written.id, /^[0-9a-f]{16}$/, 'a new file gets a store id')
  t.same(written, { version: 2, id: written.id, tokens: [rec('first')] })
  t.same(
    readMetadata(file).tokens.map(x => x.name),
    ['first'],
  )
  t.same(readdirSync(join(dir, 'deep', 'er')), ['tokens.json'], 'no lock or temp file left behind')
})

t.test('updateMetadata: async change and an existing file with wider permissions', async t => {
  const dir = t.testdir({ 'tokens.json': JSON.stringify({ version: 1, tokens: [rec('a')] }) })
  const file = join(dir, 'tokens.json')
  chmodSync(file, 0o644)
  await updateMetadata(file, async m => {
    await new Promise(r => setTimeout(r, 10))
    m.tokens.push(rec('b'))
  })
  t.same(
    readMetadata(file).tokens.map(x => x.name),
    ['a', 'b'],
  )
  t.equal(statSync(file).mode & 0o777, 0o600, 'rewritten as 0600')
})

t.test('updateMetadata: a change that throws writes nothing', async t => {
  const original = JSON.stringify({ version: 1, tokens: [rec('a')] })
  const dir = t.testdir({ 'tokens.json': original })
  const file = join(dir, 'tokens.json')
  await t.rejects(
    updateMetadata(file, m => {
      m.tokens = []
      throw new PatError('NOT_FOUND', 'nope')
    }),
    { code: 'NOT_FOUND', message: 'nope' },
  )
  await t.rejects(
    updateMetadata(file, async m => {
      m.tokens.push(rec('b'))
      await Promise.resolve()
      throw new Error('async boom')
    }),
    { message: 'async boom' },
  )
  t.equal(readFileSync(file, 'utf8'), original, 'file untouched')
  t.same(readdirSync(dir), ['tokens.json'], 'lock released')

  // and with no file at all, a failed change leaves no file
  const fresh = join(dir, 'sub', 'tokens.json')
  await t.rejects(updateMetadata(fresh, () => Promise.reject(new Error('x'))))
  t.notOk(existsSync(fresh), 'no file created')

  // the lock was released: the next update works
  await updateMetadata(file, m => void m.tokens.push(rec('c')))
  t.same(
    readMetadata(file).tokens.map(x => x.name),
    ['a', 'c'],
  )
})

t.test('updateMetadata: concurrent updates are serialised', async t => {
  const dir = t.testdir()
  const file = join(dir, 'tokens.json')
  const N = 20
  await Promise.all(
    Array.from({ length: N }, (_, i) =>
      updateMetadata(file, async m => {
        const seen = m.tokens.length
        await new Promise(r => setTimeout(r, 2)) // widen the race window
        m.tokens.push(rec(`t${i}`, { description: `saw ${seen}` }))
      }),
    ),
  )
  const m = readMetadata(file)
  t.equal(m.tokens.length, N, `${N} tokens, none lost`)
  t.same(m.tokens.map(x => x.name).sort(), Array.from({ length: N }, (_, i) => `t${i}`).sort(), 'every one of them')
  t.same(
    m.tokens.map(x => x.description),
    Array.from({ length: N }, (_, i) => `saw ${i}`),
    'each change saw all the changes before it',
  )
  t.same(readdirSync(dir), ['tokens.json'], 'no lock or temp file left behind')
})

t.test('updateMetadata: a lock directory of an older version, untouched for a minute, is taken over', async t => {
  const dir = t.testdir({ 'tokens.json': JSON.stringify({ version: 1, tokens: [rec('a', { source: 'env:X' })] }), 'tokens.json.lock': {} })
  const file = join(dir, 'tokens.json')
  const old = new Date(Date.now() - 60_000)
  utimesSync(join(dir, 'tokens.json.lock'), old, old)
  await updateMetadata(file, m => void m.tokens.push(rec('b', { source: 'env:X' })), { giveUpMs: 0 })
  t.same(
    readMetadata(file).tokens.map(x => x.name),
    ['a', 'b'],
  )
  t.same(readdirSync(dir), ['tokens.json'], 'lock removed')
})

/** A pid that is certainly not running: a child that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
  return Number(r.stdout)
}

const lockOf = (pid: number, start: string | null, extra: object = {}) =>
  JSON.stringify({ pid, start, boot: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(), host: hostname(), nonce: 'feedfacecafebeef', ...extra })

t.test('updateMetadata: a lock whose holder died (kill -9) is taken over at once, without waiting', async t => {
  const cases: Array<[string, () => string]> = [
    ['no such process', () => lockOf(deadPid(), '12345')],
    ['the pid now runs another process (start time differs)', () => lockOf(process.pid, '1')],
    ['written before a reboot (boot id differs)', () => lockOf(process.pid, startTime(process.pid), { boot: 'another-boot' })],
  ]
  for (const [why, lock] of cases) {
    await t.test(why, async t => {
      const dir = t.testdir({ 'tokens.json': JSON.stringify({ version: 1, tokens: [rec('a', { source: 'env:X' })] }), 'tokens.json.lock': lock() })
      const file = join(dir, 'tokens.json')
      // giveUpMs 0: no waiting at all; a live-looking holder would end in LOCKED.
      await updateMetadata(file, m => void m.tokens.push(rec('b', { source: 'env:X' })), { giveUpMs: 0 })
      t.same(
        readMetadata(file).tokens.map(x => x.name),
        ['a', 'b'],
        'the write went through',
      )
      t.same(readdirSync(dir), ['tokens.json'], 'no lock or takeover file left behind')
    })
  }
})

t.test('updateMetadata: a live holder is waited for, and both writes are kept', async t => {
  const dir = t.testdir({ 'tokens.json': JSON.stringify({ version: 1, tokens: [rec('a', { source: 'env:X' })] }) })
  const file = join(dir, 'tokens.json')
  // A child takes the lock for real, writes a token under it, and holds the lock until told to go.
  // The built module (npm test builds dist/ first): the same lock code, another process.
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `
    const { updateMetadata } = await import(${JSON.stringify(new URL('../../dist/state/tokens.js', import.meta.url).href)})
    await updateMetadata(process.argv[1], async m => {
      m.tokens.push({ name: 'from-child', scope: 'gitlab.com', source: 'env:X', username: 'u', provider: 'gitlab', expires: null, access: 'read', created: 'x', state: 'active', origin: 'add' })
      process.stdout.write('holding\\n')
      await new Promise(r => process.stdin.once('data', r))
    })
  `,
      file,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  )
  t.teardown(() => child.kill('SIGKILL'))
  await new Promise(r => child.stdout.once('data', r))
  let done = false
  const mine = updateMetadata(file, m => void m.tokens.push(rec('from-parent', { source: 'env:X' })), { retryMs: 5, giveUpMs: 60_000 }).then(
    () => (done = true),
  )
  await new Promise(r => setTimeout(r, 100))
  t.notOk(done, 'still waiting while the holder lives')
  child.stdin.write('go\n')
  await mine
  t.same(
    readMetadata(file)
      .tokens.map(x => x.name)
      .sort(),
    ['a', 'from-child', 'from-parent'],
    "the holder's write and the waiter's are both kept",
  )
  t.same(readdirSync(dir), ['tokens.json'], 'lock released')
})

t.test('updateMetadata: a lock held by a live process ends in a one-line LOCKED error, file untouched', async t => {
  const original = JSON.stringify({ version: 1, tokens: [rec('a')] })
  // This test process is alive and is the holder it names.
  const dir = t.testdir({ 'tokens.json': original, 'tokens.json.lock': lockOf(process.pid, startTime(process.pid)) })
  const file = join(dir, 'tokens.json')
  let called = false
  await t.rejects(
    updateMetadata(
      file,
      () => {
        called = true
      },
      { retryMs: 1, giveUpMs: 50 },
    ),
    { name: 'PatError', code: 'LOCKED', message: new RegExp(`cannot lock .*tokens\\.json: process ${process.pid} has held`) },
  )
  t.notOk(called, 'change() never ran')
  t.equal(readFileSync(file, 'utf8'), original)
  t.ok(existsSync(join(dir, 'tokens.json.lock')), "the live holder's lock is left alone")
})

t.test('isAlive: this process is, an exited one is not', async t => {
  t.ok(isAlive({ pid: process.pid, start: startTime(process.pid), boot: null, host: hostname() }))
  t.notOk(isAlive({ pid: deadPid(), start: null, boot: null, host: hostname() }))
  t.ok(isAlive({ pid: deadPid(), start: null, boot: null, host: 'another-host.invalid' }), 'another host: cannot tell, so assumed alive')
})

t.test('updateMetadata: a read-only metadata file is refused with one line, unchanged', async t => {
  const original = JSON.stringify({ version: 1, tokens: [rec('a', { source: 'env:X' })] })
  const dir = t.testdir({ 'tokens.json': original })
  const file = join(dir, 'tokens.json')
  chmodSync(file, 0o400)
  let called = false
  await t.rejects(
    updateMetadata(file, () => {
      called = true
    }),
    { code: 'METADATA', message: /tokens\.json is read-only; nothing was changed/ },
  )
  t.notOk(called, 'change() never ran (nothing done in the keychain either)')
  t.equal(readFileSync(file, 'utf8'), original)
})

t.test('store id: kept across writes, read from the header line by readTokensFor', async t => {
  const dir = t.testdir()
  const file = join(dir, 'tokens.json')
  await updateMetadata(file, m => void m.tokens.push(rec('a', { source: 'env:X' })))
  const id = readMetadata(file).id!
  t.match(id, /^[0-9a-f]{16}$/)
  await updateMetadata(file, m => void m.tokens.push(rec('b', { source: 'env:X' })))
  t.equal(readMetadata(file).id, id, 'the id never changes')
  const text = readFileSync(file, 'utf8')
  t.equal(text.split('\n')[0], `{"version":2,"id":"${id}","tokens":[`, 'the id rides on the header line')
  bindStore(join(dir, 'elsewhere.json'), null)
  t.same(
    readTokensFor(file, 'gitlab.com').map(x => x.name),
    ['a', 'b'],
    'the fast path reads the new header',
  )
  t.equal(storeId(), id, 'and binds the store id for keychain calls')
  t.equal(accountFor('a'), `${id}/a`)
  t.equal(accountIn(null, 'a'), 'a', 'a schema-1 file (no id): bare names')
})

t.test('a schema-1 file without keychain items gets an id on its first write, records unchanged', async t => {
  const tokens = [rec('a', { source: 'env:X' }), rec('b', { source: 'file:/x' })]
  const dir = t.testdir({ 'tokens.json': JSON.stringify({ version: 1, tokens }) })
  const file = join(dir, 'tokens.json')
  const before = readMetadata(file)
  t.equal(before.id, undefined)
  t.equal(storeId(), null, 'read without an id: bare names')
  await updateMetadata(file, () => {})
  const after = readMetadata(file)
  t.equal(after.version, 2)
  t.match(after.id, /^[0-9a-f]{16}$/)
  t.same(after.tokens, tokens)
})

t.test('updateMetadata: writes the current schema version', async t => {
  const dir = t.testdir({ 'tokens.json': '{"version":0,"tokens":[]}' })
  const file = join(dir, 'tokens.json')
  await updateMetadata(file, () => {})
  t.equal(JSON.parse(readFileSync(file, 'utf8')).version, SCHEMA_VERSION)
})

t.test('findToken', async t => {
  const m: Metadata = { version: 1, tokens: [rec('a'), rec('b')] }
  t.equal(findToken(m, 'b'), m.tokens[1])
  t.throws(() => findToken(m, 'c'), { name: 'PatError', code: 'NOT_FOUND', message: /no token named 'c'/ })
})

t.test('the metadata file never holds a secret field', async t => {
  const dir = t.testdir()
  mkdirSync(join(dir, 'x'))
  const file = join(dir, 'x', 'tokens.json')
  await updateMetadata(file, m => void m.tokens.push(rec('a', { source: 'env:GITLAB_TOKEN', hasRefreshToken: true })))
  t.notMatch(readFileSync(file, 'utf8'), /"(password|secret|token|refreshToken)"\s*:/)
  writeFileSync(join(dir, 'unrelated'), 'x') // updateMetadata only touches its own file
  await updateMetadata(file, () => {})
  t.same(readdirSync(dir).sort(), ['unrelated', 'x'])
})

t.test('serialize writes one record per line and parses back to the same metadata', async t => {
  const m = { version: SCHEMA_VERSION, tokens: [rec('a', { scope: 'gitlab.com' }), rec('b', { scope: 'github.com/acme/*' })] }
  const text = serialize(m)
  t.equal(text.split('\n').length, 5, 'header, two records, footer, final newline')
  t.same(parseMetadata(text, 'f'), m)
  t.same(parseMetadata(serialize({ version: SCHEMA_VERSION, tokens: [] }), 'f').tokens, [])
})

t.test('readTokensFor parses only the lines that name the host', async t => {
  const tokens = [
    rec('a', { scope: 'gitlab.com' }),
    rec('b', { scope: 'gitlab.com/group/*' }),
    rec('c', { scope: 'github.com' }),
    rec('d', { scope: 'GitLab.COM/x', description: 'hand-edited case' }),
  ]
  const dir = t.testdir({ 'tokens.json': serialize({ version: SCHEMA_VERSION, tokens }) })
  const file = join(dir, 'tokens.json')
  t.match(readFileSync(file, 'utf8'), '"scope":"gitlab.com/x"', 'scopes are written canonical (lower-case host)')
  t.same(
    readTokensFor(file, 'GitLab.com').map(x => x.name),
    ['a', 'b', 'd'],
    'host match is case-insensitive',
  )
  t.same(
    readTokensFor(file, 'github.com').map(x => x.name),
    ['c'],
  )
  t.same(readTokensFor(file, 'example.org'), [])
  t.same(readTokensFor(join(dir, 'missing.json'), 'gitlab.com'), [], 'a missing file has no tokens')
})

t.test('readTokensFor: other layouts and corrupt lines take the strict path', async t => {
  const tokens = [rec('a', { scope: 'gitlab.com' }), rec('c', { scope: 'github.com' })]
  const pretty = JSON.stringify({ version: SCHEMA_VERSION, tokens }, null, 2)
  const dir = t.testdir({ 'pretty.json': pretty, 'bad.json': serialize({ version: SCHEMA_VERSION, tokens }).replace('"name":"a"', '"name":"a" oops') })
  t.same(
    readTokensFor(join(dir, 'pretty.json'), 'gitlab.com').map(x => x.name),
    ['a', 'c'],
    'pretty-printed: every token, candidates() filters',
  )
  const before = readFileSync(join(dir, 'bad.json'), 'utf8')
  t.throws(() => readTokensFor(join(dir, 'bad.json'), 'gitlab.com'), { code: 'METADATA', message: /bad\.json/ })
  t.equal(readFileSync(join(dir, 'bad.json'), 'utf8'), before, 'the corrupt file is left as it was')
})

t.test('readTokensFor: lines whose scope is ruled out are not parsed', async t => {
  const tokens = [rec('host', { scope: 'gitlab.com' }), rec('grp', { scope: 'gitlab.com/group/*' })]
  const text = serialize({ version: SCHEMA_VERSION, tokens })
  // A broken tail after the scope: parsing that line would report corruption.
  const dir = t.testdir({ 'tokens.json': text.replace('"scope":"gitlab.com/group/*",', '"scope":"gitlab.com/group/*",BROKEN') })
  const file = join(dir, 'tokens.json')
  t.same(
    readTokensFor(file, 'gitlab.com', s => !s.includes('/')).map(x => x.name),
    ['host'],
    'the group line was skipped unparsed',
  )
  t.throws(() => readTokensFor(file, 'gitlab.com'), { code: 'METADATA' }, 'kept, it is parsed and found corrupt')
})

t.test('updateMetadata: afterWrite sees the new file and still holds the lock', async t => {
  const dir = t.testdir()
  const file = join(dir, 'tokens.json')
  let seen: string[] = []
  let locked: unknown
  await updateMetadata(
    file,
    m => {
      m.tokens.push(rec('renamed'))
      return 'r'
    },
    undefined,
    async result => {
      t.equal(result, 'r', "gets change()'s result")
      seen = readMetadata(file).tokens.map(x => x.name)
      // Another writer waits: it gives up rather than changing the file meanwhile.
      locked = await updateMetadata(file, () => undefined, { giveUpMs: 300, retryMs: 50 }).catch(e => e)
    },
  )
  t.same(seen, ['renamed'], 'the metadata is written before afterWrite runs')
  t.ok(locked instanceof PatError && locked.code === 'LOCKED', 'the lock is held while afterWrite runs')
})
