// `show`: every field of a record, as key/value lines, never a secret.
import t from 'tap'
import { renderFields } from '../../../src/cli/commands/show.js'
import type { TokenRecord } from '../../../src/state/tokens.js'

const now = new Date('2026-03-01T12:00:00Z')
const full: TokenRecord = {
  name: 'ci-runner-7',
  scope: 'gitlab.example.com/team/*',
  username: 'oauth2',
  provider: 'gitlab',
  expires: '2026-03-05T00:00:00.000Z',
  access: 'read',
  description: 'runner in rack 3',
  created: '2026-01-01T10:00:00.000Z',
  lastUsed: '2026-02-28T12:00:00.000Z',
  rotated: '2026-02-01T09:30:00.000Z',
  state: 'rejected',
  rejected: { at: '2026-02-28T13:00:00.000Z', url: 'https://gitlab.example.com/team/app.git' },
  source: 'keychain',
  origin: 'add',
  auth: 'bearer',
  hasRefreshToken: true,
  checked: { at: '2026-02-20T00:00:00.000Z', active: true, scopes: ['read_repository'], login: 'bot' },
}

t.test('every field of a full record', async t => {
  const out = renderFields(full, now, 7, false)
  const rows = Object.fromEntries(
    out
      .trimEnd()
      .split('\n')
      .map(l => [l.slice(0, 13).trim(), l.slice(13).trim()]),
  )
  t.same(Object.keys(rows), [
    'name',
    'scope',
    'username',
    'provider',
    'state',
    'expires',
    'access',
    'source',
    'auth',
    'description',
    'created',
    'rotated',
    'last used',
    'origin',
    'refresh token',
    'rejected',
    'checked',
  ])
  t.match(rows, {
    name: 'ci-runner-7',
    scope: 'gitlab.example.com/team/*',
    state: 'rejected 2026-02-28 at https://gitlab.example.com/team/app.git',
    expires: '2026-03-05 (in 4 days)',
    access: 'read',
    auth: 'bearer',
    created: '2026-01-01T10:00:00Z',
    rotated: '2026-02-01T09:30:00Z',
    'last used': '1 day ago (2026-02-28T12:00:00Z)',
    'refresh token': 'yes (in the keychain)',
    checked: '2026-02-20T00:00:00Z, active, login bot, scopes read_repository',
  })
  t.notMatch(out, /\x1b\[/, 'no colour when told so')
})

t.test('a minimal record leaves out what it does not have', async t => {
  const { description: _d, lastUsed: _l, rotated: _r, rejected: _j, auth: _a, hasRefreshToken: _h, checked: _c, ...min } = full
  const out = renderFields({ ...min, state: 'active', expires: null, origin: 'store' }, now, 7, false)
  t.match(out, /^rotated\s+never$/m)
  t.match(out, /^last used\s+never$/m)
  t.match(out, /^expires\s+unknown$/m)
  t.match(out, /^origin\s+store \(saved after git authenticated with it\)$/m)
  t.notMatch(out, /description|refresh token|rejected|checked/)
})

t.test('colour marks an expired token on a terminal', async t => {
  const out = renderFields({ ...full, state: 'active', expires: '2026-02-01T00:00:00.000Z' }, now, 7, true)
  t.match(out, /\x1b\[31mexpired/)
})
