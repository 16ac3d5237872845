// The CLI's own messages: yargs usage errors never echo a token.
import t from 'tap'
import { redactUsage } from '../../src/cli/cli.js'
import { testContext } from '../lib/context.js'

t.test('redactUsage', async t => {
  const secret = 'glpat-AbCdEf0123456789xyz'
  t.equal(redactUsage(`Unknown argument: ${secret}`), 'Unknown argument: [redacted]')
  t.equal(redactUsage('Unknown arguments: plain-but-secret-1234, plainButSecret1234'), 'Unknown arguments: [redacted]', 'the camel-cased copy goes too')
  t.equal(redactUsage('Unknown arguments: bogus-flag, bogusFlag'), 'Unknown arguments: bogus-flag')
  t.equal(redactUsage('Unknown arguments: token, ghp_0123456789abcdefABCDEF01234567'), 'Unknown arguments: token, [redacted]')
  const invalid = redactUsage(`Invalid values:\n  Argument: provider, Given: "${secret}", Choices: "gitlab", "github"`)
  t.notMatch(invalid, secret)
  t.match(invalid, /Given: "\[redacted\]", Choices: "gitlab"/)
  t.equal(redactUsage('Not enough non-option arguments: got 0, need at least 1'), 'Not enough non-option arguments: got 0, need at least 1')
})

// Every usage error is one line naming what is wrong.
t.test('usageLine: yargs messages become one line', async t => {
  const { usageLine } = await import('../../src/cli/cli.js')
  const provider = usageLine('Invalid values:\n  Argument: provider, Given: "bogus", Choices: "gitlab", "github", "generic"')
  t.equal(provider, '--provider "bogus" is not valid; choose one of: gitlab, github, generic')
  const two = usageLine('Invalid values:\n  Argument: provider, Given: "x", Choices: "gitlab"\n  Argument: access, Given: "y", Choices: "read", "read-write"')
  t.equal(two, '--provider "x" is not valid; choose one of: gitlab; --access "y" is not valid; choose one of: read, read-write')
  const secret = 'glpat-AbCdEf0123456789xyz'
  t.notMatch(usageLine(`Invalid values:\n  Argument: access, Given: "${secret}", Choices: "read", "read-write"`), secret, 'a pasted token is not echoed')
  t.equal(usageLine('Missing required argument: x\n  and more'), 'Missing required argument: x and more')
  for (const m of [provider, two, usageLine('a\nb\r\nc')]) t.notMatch(m, /[\r\n]/, 'one line')
})

t.test('joinDashValues: a value that starts with a dash stays the value of --expires', async t => {
  const { joinDashValues } = await import('../../src/cli/cli.js')
  t.same(joinDashValues(['add', 'x', '--expires', '-5d']), ['add', 'x', '--expires=-5d'])
  t.same(joinDashValues(['rotate', 'x', '--expires', '-1y', '--token-stdin']), ['rotate', 'x', '--expires=-1y', '--token-stdin'])
  t.same(joinDashValues(['add', 'x', '--expires', '--name', 'n']), ['add', 'x', '--expires', '--name', 'n'], 'a flag is left alone')
  t.same(joinDashValues(['add', 'x', '--', '--expires', '-5d']), ['add', 'x', '--', '--expires', '-5d'], 'nothing after --')
})

t.test('runCli: a usage error is one line with the hint, exit 2', async t => {
  const { runCli } = await import('../../src/cli/cli.js')
  const { errSink } = await import('../../src/log/stderr.js')
  const lines: string[] = []
  const write = errSink.write
  errSink.write = text => void lines.push(text)
  t.teardown(() => void (errSink.write = write))
  const secret = 'glpat-AbCdEf0123456789xyz'
  t.equal(await runCli(['list', secret], testContext()), 2)
  t.same(lines, ['git-credential-pat: Unknown argument: [redacted] (see git-credential-pat --help)\n'])
})
