// add's arguments (src/cli/commands/add/args.ts): usage errors, one line, no secret.
import t from 'tap'
import { expiresArg, nameArg, scopeArg } from '../../../../src/cli/commands/add/args.js'
import { formatScope } from '../../../../src/core/scope.js'

const now = new Date('2026-06-01T12:00:00.000Z')

t.test('--expires in the past: refused by add, kept for rotate', async t => {
  t.throws(() => expiresArg('2020-01-01', now, { past: 'refuse' }), {
    code: 'USAGE',
    message: /--expires '2020-01-01' is in the past.*--force to record a token that has already expired/,
  })
  t.throws(() => expiresArg('2026-06-01', now, { past: 'refuse' }), { code: 'USAGE' }, 'today 00:00 UTC is past')
  t.equal(expiresArg('2026-06-02', now, { past: 'refuse' }), '2026-06-02T00:00:00.000Z')
  t.equal(expiresArg('90d', now, { past: 'refuse' }), '2026-08-30T00:00:00.000Z')
  t.equal(expiresArg('2020-01-01', now), '2020-01-01T00:00:00.000Z', 'default (rotate): allowed')
  t.throws(() => expiresArg('-5d', now), { code: 'USAGE', message: /negative/ })
  t.throws(() => expiresArg('soon', now), { code: 'USAGE' })
  t.equal(expiresArg('never', now, { past: 'refuse' }), null)
})

t.test('scopes as typed: usage errors', async t => {
  t.throws(() => scopeArg('team/*', ['gitlab.com/a', 'gitlab.com']), { code: 'USAGE', message: /did you mean gitlab\.com\/team\/\*\?/ })
  t.throws(() => scopeArg('team/*', ['not a scope']), { code: 'USAGE', message: /<host>\/team\/\*/ }, 'an unreadable stored scope is skipped')
  t.throws(() => scopeArg('https://u:pw@h.example/x'), { code: 'USAGE', message: /carries a password/ })
  t.equal(formatScope(scopeArg('HTTPS://Gitlab.Example.com/G/R.git')), 'gitlab.example.com/G/R')
})

t.test('names', async t => {
  t.equal(nameArg('ci-runner-7'), 'ci-runner-7')
  t.throws(() => nameArg('a b'), {
    code: 'USAGE',
    message: "--name 'a b': use letters, digits and . _ @ + - (at most 128; no spaces, newlines or control characters)",
  })
  t.throws(() => nameArg('glpat-abcdefghijklmnopqrstu!'), { message: /^--name: / }, 'a token is not repeated')
})
