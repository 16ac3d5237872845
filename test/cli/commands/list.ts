// `list`: sorted by scope, expired and soon-expiring rows marked in text
// (not only in colour), warnDays from git config.
import t from 'tap'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { listTokens } from '../../../src/cli/commands/list.js'
import type { TokenRecord } from '../../../src/state/tokens.js'
import { useTestKeychain } from '../../lib/context.js'

// As the entry point does: the keychain of this process's environment is the one in use.
useTestKeychain()

const now = new Date('2026-03-01T12:00:00Z')
const tok = (name: string, scope: string, expires: string | null, state: TokenRecord['state'] = 'active'): TokenRecord => ({
  name,
  scope,
  username: 'u',
  provider: 'generic',
  expires,
  access: 'read-write',
  created: '2026-01-01T00:00:00.000Z',
  state,
  source: 'keychain',
  origin: 'add',
})

function env(tokens: TokenRecord[], gitconfig = ''): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'gcp-list-'))
  writeFileSync(join(dir, 'tokens.json'), JSON.stringify({ version: 1, tokens }))
  writeFileSync(join(dir, 'gitconfig'), gitconfig)
  return { ...process.env, GIT_CREDENTIAL_PAT_HOME: dir, GIT_CONFIG_GLOBAL: join(dir, 'gitconfig'), GIT_CONFIG_NOSYSTEM: '1' }
}

const tokens = [
  tok('soon', 'b.example.com', '2026-03-04T00:00:00.000Z'),
  tok('old', 'a.example.com', '2026-02-01T00:00:00.000Z'),
  tok('later', 'c.example.com', '2026-03-20T00:00:00.000Z'),
  tok('off', 'd.example.com', '2026-02-01T00:00:00.000Z', 'disabled'),
]

t.test('marks and legend', async t => {
  const out = listTokens(false, now, env(tokens))
  const lines = out.split('\n')
  t.match(lines[0], /^\s+NAME\s+SCOPE\s+USERNAME\s+EXPIRES\s+LAST USED\s+STATE$/)
  t.match(lines[1], /^! +old +a\.example\.com .*expired/)
  t.match(lines[2], /^\* +soon +b\.example\.com /)
  t.match(lines[3], /^  +later /)
  t.match(lines[4], /^  +off .*disabled/, 'a disabled token is not nagged about')
  t.match(out, /\n\n! expired: never sent; .*\n\* expires within 7 days: rotate it soon\n$/)
})

t.test('no legend when nothing is marked', async t => {
  const out = listTokens(false, now, env([tokens[2]]))
  t.notMatch(out, /expires within|expired:/)
})

t.test('credential.pat.warnDays widens the window', async t => {
  const out = listTokens(false, now, env(tokens, '[credential "pat"]\n\twarnDays = 30\n'))
  t.match(out, /^\* +later /m)
  t.match(out, /expires within 30 days/)
})

t.test('json: the records, sorted by scope', async t => {
  const out = JSON.parse(listTokens(true, now, env(tokens)))
  t.same(
    out.map((x: TokenRecord) => x.name),
    ['old', 'soon', 'later', 'off'],
  )
  t.same(out[0], tokens[1])
})

t.test('empty', async t => {
  t.match(listTokens(false, now, env([])), /no tokens yet/)
  t.equal(listTokens(true, now, env([])), '[]\n')
})
