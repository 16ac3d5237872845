// The manifest's parser: the whole file is checked, the first problem names
// the entry (index and name) and says nothing was changed; secrets are
// refused without being echoed; durations are refused (not idempotent).
import t, { type Test } from 'tap'
import { PatError } from '../../src/errors.js'
import { parseManifest, type EntryChecks } from '../../src/core/manifest.js'

// Stand-ins for add's checks: the real ones are wired in cli/commands/import.ts (tested there).
const checks: EntryChecks = {
  scope: s => {
    if (s.includes(' ')) throw new PatError('USAGE', `scope '${s}': not a valid host name`)
    return s.toLowerCase()
  },
  expires: s => {
    if (!/^\d{4}-\d\d-\d\d$/.test(s)) throw new PatError('USAGE', `--expires '${s}': give a date`)
    return `${s}T00:00:00.000Z`
  },
  source: s => {
    if (!/^(keychain|env:.+|file:.+|exec:.+)$/.test(s)) throw new PatError('USAGE', '--source must be keychain, env:VAR, file:PATH or exec:COMMAND')
    return s
  },
}
const parse = (tokens: unknown[], extra: object = {}) => parseManifest(JSON.stringify({ version: 1, tokens, ...extra }), checks, 'm.json')
const fails = (t: Test, tokens: unknown[], message: RegExp | string, extra: object = {}) => t.throws(() => parse(tokens, extra), { code: 'USAGE', message })

t.test('every field, defaults left to the caller', async t => {
  t.same(
    parse([
      {
        name: 'ci',
        scope: 'GitLab.example.com/team/*',
        username: 'oauth2',
        provider: 'gitlab',
        expires: '2027-01-31',
        access: 'read',
        description: 'runner',
        source: 'keychain',
        secretFrom: 'env:SEED',
        auth: 'bearer',
        disabled: true,
        created: '2026-01-01T00:00:00Z',
      },
      { name: 'min', scope: 'h.example' },
      { name: 'iso', scope: 'h.example', expires: '2027-01-31T12:00:00.000Z', disabled: false, auth: 'basic' },
      { name: 'none', scope: 'h.example', expires: null },
    ]),
    [
      {
        name: 'ci',
        scope: 'gitlab.example.com/team/*',
        source: 'keychain',
        username: 'oauth2',
        provider: 'gitlab',
        expires: '2027-01-31T00:00:00.000Z',
        access: 'read',
        description: 'runner',
        auth: 'bearer',
        secretFrom: 'env:SEED',
        disabled: true,
        created: '2026-01-01T00:00:00.000Z',
      },
      { name: 'min', scope: 'h.example', source: 'keychain' },
      { name: 'iso', scope: 'h.example', source: 'keychain', expires: '2027-01-31T12:00:00.000Z', auth: 'basic' },
      { name: 'none', scope: 'h.example', source: 'keychain', expires: null },
    ],
  )
  t.same(parseManifest('{"tokens": []}', checks), [], 'version may be left out')
})

t.test('the first bad entry is named by index and name, and nothing was changed', async t => {
  const good = { name: 'a', scope: 'h.example' }
  fails(t, [good, good], "m.json: entry 2 ('a'): the name is used twice; nothing was changed")
  fails(t, [good, { name: 'b', scope: 'exa mple' }], "m.json: entry 2 ('b'): scope 'exa mple': not a valid host name; nothing was changed")
  fails(t, [{ name: 'bad name', scope: 'h' }], /^m\.json: entry 1: "name": use letters/)
  fails(t, [{ name: 'x' }], /entry 1 \('x'\): "scope" is missing/)
  fails(t, [{ name: 'x', scope: 'h', provider: 'sourceforge' }], /"provider" must be one of gitlab, github/)
  fails(t, [{ name: 'x', scope: 'h', access: 'admin' }], /"access" must be read or read-write/)
  fails(t, [{ name: 'x', scope: 'h', auth: 'digest' }], /"auth" must be basic or bearer/)
  fails(t, [{ name: 'x', scope: 'h', username: '' }], /"username" is empty/)
  fails(t, [{ name: 'x', scope: 'h', username: 'a\nb' }], /"username" contains control characters/)
  fails(t, [{ name: 'x', scope: 'h', username: 7 }], /"username" must be a string/)
  fails(t, [{ name: 'x', scope: 'h', disabled: 'yes' }], /"disabled" must be true or false/)
  fails(t, [{ name: 'x', scope: 'h', created: 'yesterday' }], /"created" must be an ISO timestamp/)
  fails(t, [{ name: 'x', scope: 'h', source: 'vault:x' }], /--source must be keychain/)
  fails(t, [{ name: 'x', scope: 'h', expires: 'soon' }], /--expires 'soon'/)
  fails(t, [{ name: 'x', scope: 'h', expires: '90d' }], /a duration would move on every import/)
  fails(t, [{ name: 'x', scope: 'h', scopes: 'typo' }], /unknown key 'scopes'/)
  fails(t, ['x'], /entry 1: not an object/)
})

t.test('secretFrom only for keychain tokens, and only from env:, file:, exec:', async t => {
  fails(t, [{ name: 'x', scope: 'h', source: 'env:A', secretFrom: 'env:B' }], /"secretFrom" is only for keychain tokens \(this one reads env: every time\)/)
  fails(t, [{ name: 'x', scope: 'h', secretFrom: 'keychain' }], /"secretFrom" must be env:VAR, file:PATH or exec:COMMAND/)
  fails(t, [{ name: 'x', scope: 'h', secretFrom: 'glpat-abc' }], /"secretFrom" must be env:VAR/)
})

t.test('a secret in the manifest is refused and never repeated', async t => {
  for (const key of ['secret', 'token', 'password', 'Password']) {
    const err = t.throws(() => parse([{ name: 'x', scope: 'h', [key]: 'glpat-VeryRealSecret123' }])) as Error
    t.match(err.message, /secrets are never in the manifest/)
    t.notMatch(err.message, /VeryRealSecret/)
  }
})

t.test('the file as a whole', async t => {
  t.throws(() => parseManifest('{"tokens": [', checks, 'm.json'), { code: 'USAGE', message: /^m\.json is not valid JSON( \(line 1\))?; nothing was changed$/ })
  const err = t.throws(() => parseManifest('{\n"tokens": [\n{"name": glpat-VeryRealSecret}]}', checks, 'm.json')) as Error
  t.notMatch(err.message, /VeryRealSecret/, 'the parser message (which quotes the text) is not passed on')
  t.throws(() => parseManifest('[]', checks, 'm.json'), /must be an object/)
  t.throws(() => parseManifest('{"version": 2, "tokens": []}', checks, 'm.json'), /has version 2; this git-credential-pat reads version 1/)
  t.throws(() => parseManifest('{"version": 1}', checks, 'm.json'), /has no "tokens" list/)
  t.throws(() => parseManifest('{"tokens": [], "secrets": {}}', checks, 'm.json'), /unknown key 'secrets'/)
})
