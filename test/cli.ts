// The CLI's own messages: yargs usage errors never echo a token.
import t from 'tap'
import { redactUsage } from '../src/cli.js'

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
