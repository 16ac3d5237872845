// Looking tokens up by name without ever echoing a pasted secret.
import t from 'tap'
import { byName, nameForMessage } from '../../../src/cli/commands/lookup.js'
import type { Metadata } from '../../../src/state/tokens.js'

const meta = { version: 1, tokens: [{ name: 'laptop', scope: 'x.com', source: 'keychain' }] } as Metadata

t.test('byName', async t => {
  t.equal(byName(meta, 'laptop').scope, 'x.com')
  t.throws(() => byName(meta, 'nope'), /no token named 'nope' \(see: git-credential-pat list\)/)
  for (const secret of ['glpat-AbCdEf0123456789xyz', 'ghp_0123456789abcdefABCDEF0123456789abcd', 'Zk3qP9vT2mW8rL5nX7cB4dF6']) {
    let message = ''
    try {
      byName(meta, secret)
    } catch (e) {
      message = (e as Error).message
    }
    t.match(message, /looks like a secret/)
    t.notMatch(message, secret)
    t.notMatch(nameForMessage(secret), secret)
  }
  t.equal(nameForMessage('laptop'), "'laptop'")
})

// A name with a newline or control character is a usage
// error (exit 2), and is never printed back raw.
t.test('byName refuses control characters as a usage error', async t => {
  for (const name of ['lap\ntop', 'laptop\n', 'a\rb', 'a\x1b[31mb', 'a\tb', 'a\x7f', 'a\0b']) {
    let err: unknown
    try {
      byName(meta, name)
    } catch (e) {
      err = e
    }
    t.match(err, { name: 'PatError', code: 'USAGE', message: /control character/ }, JSON.stringify(name))
    t.notMatch((err as Error).message, /[\x00-\x1f\x7f]/, 'the message has none itself')
  }
})
