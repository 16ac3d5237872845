// URLs in messages (src/forge/redact.ts).
import t from 'tap'
import { redactUrl } from '../../src/forge/redact.js'

t.test('redactUrl', async t => {
  t.equal(redactUrl('https://user:pw@host/api?private_token=x'), 'https://host/api')
})
