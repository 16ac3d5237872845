// enable/disable: state changes on the metadata, all names checked first.
import t from 'tap'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setState } from '../../../src/cli/commands/enable.js'
import type { TokenRecord } from '../../../src/state/tokens.js'
import { PatError } from '../../../src/errors.js'
import { tokenRecord } from '../../lib/token.js'
import { useTestKeychain } from '../../lib/context.js'

// As the entry point does: the keychain of this process's environment is the one in use.
useTestKeychain()

const now = new Date('2026-03-01T12:00:00Z')
const tok = (name: string, extra: Partial<TokenRecord> = {}): TokenRecord =>
  tokenRecord({ name, scope: `${name}.example.com`, username: 'u', provider: 'generic', ...extra })

function setup(tokens: TokenRecord[]) {
  const dir = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'gcp-enable-'))
  writeFileSync(join(dir, 'tokens.json'), JSON.stringify({ version: 1, tokens }))
  const env = { ...process.env, GIT_CREDENTIAL_PAT_HOME: dir }
  const read = () => (JSON.parse(readFileSync(join(dir, 'tokens.json'), 'utf8')) as { tokens: TokenRecord[] }).tokens
  return { env, read }
}

t.test('enable clears a rejection; disable keeps it on record', async t => {
  const rejected = { at: '2026-02-01T00:00:00.000Z', url: 'https://r.example.com/x' }
  const { env, read } = setup([tok('r', { state: 'rejected', rejected }), tok('d', { state: 'rejected', rejected })])
  const out = await setState(['r'], 'active', now, env)
  t.match(out, /enabled 'r' \(r\.example\.com; was rejected\)/)
  t.match(read()[0], { state: 'active' })
  t.notOk(read()[0].rejected)
  await setState(['d'], 'disabled', now, env)
  t.match(read()[1], { state: 'disabled', rejected })
})

t.test('enabling an expired token says it is still not sent', async t => {
  const { env } = setup([tok('x', { state: 'disabled', expires: '2026-02-01T00:00:00.000Z' })])
  t.match(await setState(['x'], 'active', now, env), /expired on 2026-02-01, so it is still not sent; run: git-credential-pat rotate x/)
})

t.test('one unknown name: nothing changes', async t => {
  const { env, read } = setup([tok('a'), tok('b')])
  const e = await setState(['a', 'nope', 'b'], 'disabled', now, env).catch((x: unknown) => x)
  t.ok(e instanceof PatError && e.code === 'NOT_FOUND', 'NOT_FOUND')
  t.same(
    read().map(x => x.state),
    ['active', 'active'],
  )
})

t.test('a name that looks like a token is never echoed', async t => {
  const { env } = setup([tok('a')])
  const secret = 'glpat-SomethingSecret0001'
  const e = (await setState([secret], 'disabled', now, env).catch((x: unknown) => x)) as Error
  t.match(e.message, /looks like a secret/)
  t.notMatch(e.message, secret)
})

t.test('already in that state', async t => {
  const { env } = setup([tok('a', { state: 'disabled' })])
  t.match(await setState(['a'], 'disabled', now, env), /'a' was already disabled/)
})

t.test('enabling a token the last check found dead warns on stderr, once', async t => {
  const { errSink } = await import('../../../src/log/stderr.js')
  const checked = { at: '2026-02-20T10:00:00.000Z', result: 'revoked' }
  const { env, read } = setup([tok('dead', { state: 'rejected', checked }), tok('fine', { state: 'disabled', checked: { ...checked, result: 'valid' } })])
  const said: string[] = []
  const orig = errSink.write
  errSink.write = text => void said.push(text)
  try {
    t.match(await setState(['dead', 'fine'], 'active', now, env), "enabled 'dead'")
  } finally {
    errSink.write = orig
  }
  t.same(said, [
    "git-credential-pat: warning: the last check (2026-02-20) found 'dead' revoked; get sends it again, but the forge will likely refuse it: git-credential-pat check dead, or rotate dead\n",
  ])
  t.same(
    read().map(x => x.state),
    ['active', 'active'],
    'enabled all the same',
  )
})
