// What an import changes (pure): added, changed (naming the fields) and,
// with prune, removed; run-time observations kept and not compared; export
// reads back to the same entries.
import t from 'tap'
import { declaredRecord, describePlan, describeSecrets, exportManifest, planChanges, planImport, type ManagedRecord } from '../../src/core/manifest-plan.js'
import type { ManifestEntry } from '../../src/core/manifest.js'
import { tokenRecord } from '../lib/token.js'

const now = new Date('2026-03-01T12:00:00Z')
const entry = (name: string, extra: Partial<ManifestEntry> = {}): ManifestEntry => ({ name, scope: 'gitlab.com', source: 'keychain', ...extra })
const declared = (e: ManifestEntry) => declaredRecord(e, { provider: 'gitlab', username: e.username ?? 'oauth2' }, now)
const plan = (existing: ManagedRecord[], entries: ManifestEntry[], o = {}) => planImport(existing, entries, entries.map(declared), o)

t.test('declaredRecord: the manifest fields, defaults, origin add', async t => {
  t.same(declared(entry('a', { description: '', auth: 'basic' })), {
    name: 'a',
    scope: 'gitlab.com',
    username: 'oauth2',
    provider: 'gitlab',
    expires: null,
    access: 'read-write',
    created: now.toISOString(),
    state: 'active',
    source: 'keychain',
    origin: 'add',
  })
  const r = declared(entry('b', { disabled: true, auth: 'bearer', secretFrom: 'env:S', description: 'd', created: '2026-01-01T00:00:00.000Z' }))
  t.match(r, { state: 'disabled', auth: 'bearer', secretFrom: 'env:S', description: 'd', created: '2026-01-01T00:00:00.000Z' })
})

t.test('the same declaration is no change, whatever was observed since', async t => {
  const have = tokenRecord({
    name: 'a',
    lastUsed: '2026-02-01T00:00:00.000Z',
    state: 'rejected',
    rejected: { at: 'x', url: 'u' },
    created: '2025-01-01T00:00:00.000Z',
  })
  const p = plan([have], [entry('a')])
  t.same(p.same, ['a'])
  t.equal(planChanges(p), 0)
  t.same(describePlan(p, false), [])
})

t.test('a changed field: named, the rest of the record kept', async t => {
  const have = tokenRecord({ name: 'a', lastUsed: '2026-02-01T00:00:00.000Z', description: 'old', state: 'disabled' })
  const p = plan([have], [entry('a', { expires: '2027-01-31T00:00:00.000Z', access: 'read' })])
  t.equal(p.change.length, 1)
  t.same(p.change[0].fields, ['expires', 'access', 'description', 'state'])
  t.match(p.change[0].after, { lastUsed: '2026-02-01T00:00:00.000Z', expires: '2027-01-31T00:00:00.000Z', access: 'read', state: 'active' })
  t.notOk('description' in p.change[0].after, 'a description the manifest leaves out goes')
  t.equal(p.change[0].after.created, have.created, 'created kept when the entry does not give it')
  t.same(describePlan(p, true), ["would change 'a': expires, access, description, state"])
})

t.test('a new secret or scope clears what was observed about the old one', async t => {
  const have = tokenRecord({ name: 'a', state: 'rejected', rejected: { at: 'x', url: 'u' }, checked: { at: 'y', active: false } })
  const p = plan([have], [entry('a')], { secretChanged: new Set(['a']) })
  t.same(p.change[0].fields, ['secret'])
  t.equal(p.change[0].after.state, 'active')
  t.notOk(p.change[0].after.rejected)
  t.notOk(p.change[0].after.checked)
})

t.test('awaiting a secret: added so, marked once on a token whose secret is missing, kept until one is given, dropped off the keychain', async t => {
  const awaiting = new Set(['new', 'lost', 'still'])
  const p = plan(
    [tokenRecord({ name: 'lost' }), tokenRecord({ name: 'still', awaitingSecret: true }), tokenRecord({ name: 'moved', awaitingSecret: true })],
    [entry('new'), entry('lost'), entry('still'), entry('moved', { source: 'env:MOVED' })],
    { awaiting },
  )
  t.match(p.add, [{ name: 'new', awaitingSecret: true }])
  t.same(
    p.change.map(c => [c.after.name, c.fields, !!c.after.awaitingSecret]),
    [
      ['lost', ['awaiting secret'], true],
      ['moved', ['source'], false],
    ],
  )
  t.same(p.same, ['still'], 'still awaiting: no change')
  t.same(describePlan(p, false).slice(1), ["changed 'lost': awaiting secret", "changed 'moved': source"])
  t.notOk(plan([], [entry('e', { source: 'env:E' })], { awaiting: new Set(['e']) }).add[0].awaitingSecret, 'only a keychain token awaits one')
})

t.test('describeSecrets: where a dry run would read, never what; every token awaiting a secret in one line', async t => {
  const recs = [tokenRecord({ name: 'a', scope: 'h.example/a/*' }), tokenRecord({ name: 'b', scope: 'h.example/b/*' })]
  t.same(describeSecrets([{ name: 'x', from: 'exec:pass show x' }], recs.slice(0, 1), true), [
    "would read the secret of 'x' from exec:pass show x",
    "'a' would await its secret (asked for at a terminal, else at git's first use of it)",
  ])
  t.same(describeSecrets([{ name: 'x', from: 'env:X' }], [], false), [], 'a real run says what it changed, not what it read')
  t.same(describeSecrets([{ name: 'y', from: 'exec:echo glpat-abcdefghij0123456789' }], [], true), ["would read the secret of 'y' from exec:echo [redacted]"])
  const two = describeSecrets([], recs, false)
  t.equal(two[0], "2 tokens await a secret: 'a' (h.example/a/*), 'b' (h.example/b/*)")
  t.match(two[1], /git asks for each at its first use at a terminal \(name and scope kept\), or give it now: git-credential-pat rotate NAME/)
})

t.test('created is compared only when the entry gives it', async t => {
  const have = tokenRecord({ name: 'a', created: '2025-01-01T00:00:00.000Z' })
  t.same(plan([have], [entry('a', { created: '2025-01-01T00:00:00.000Z' })]).same, ['a'])
  t.same(plan([have], [entry('a', { created: '2024-01-01T00:00:00.000Z' })]).change[0].fields, ['created'])
})

t.test('added, and with prune removed; without prune the others stay', async t => {
  const existing = [tokenRecord({ name: 'keep' }), tokenRecord({ name: 'old', scope: 'old.example' })]
  const p = plan(existing, [entry('keep'), entry('new', { source: 'env:TOKEN' })])
  t.same(
    p.add.map(r => r.name),
    ['new'],
  )
  t.same(p.remove, [])
  const pruned = plan(existing, [entry('keep'), entry('new', { source: 'env:TOKEN' })], { prune: true })
  t.same(
    pruned.remove.map(r => r.name),
    ['old'],
  )
  t.equal(planChanges(pruned), 2)
  t.same(describePlan(pruned, false), ["added 'new' for gitlab.com (env:…)", "removed 'old' (old.example)"])
})

t.test('export: every declared field, sorted, dates as add takes them; never a secret field', async t => {
  const tokens = [
    tokenRecord({ name: 'z', scope: 'b.example', expires: '2027-01-31T00:00:00.000Z', state: 'disabled', auth: 'bearer', description: 'd' }),
    { ...tokenRecord({ name: 'y', scope: 'a.example', expires: '2027-01-31T12:30:00.000Z', lastUsed: 'x' }), secretFrom: 'env:S' },
  ]
  const m = exportManifest(tokens)
  t.equal(m.version, 1)
  t.same(m.tokens, [
    {
      name: 'y',
      scope: 'a.example',
      username: 'oauth2',
      provider: 'gitlab',
      expires: '2027-01-31T12:30:00.000Z',
      access: 'read-write',
      source: 'keychain',
      secretFrom: 'env:S',
      created: '2026-01-01T00:00:00.000Z',
    },
    {
      name: 'z',
      scope: 'b.example',
      username: 'oauth2',
      provider: 'gitlab',
      expires: '2027-01-31',
      access: 'read-write',
      source: 'keychain',
      description: 'd',
      auth: 'bearer',
      disabled: true,
      created: '2026-01-01T00:00:00.000Z',
    },
  ])
})
