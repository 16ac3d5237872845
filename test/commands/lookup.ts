// Looking tokens up by name without ever echoing a pasted secret.
import t from 'tap'
import { byName, nameForMessage } from '../../src/commands/lookup.js'
import type { Metadata } from '../../src/tokens.js'

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
