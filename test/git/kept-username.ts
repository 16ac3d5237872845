// store's side of the token-like username rule (src/git/kept-username.ts).
import t from 'tap'
import { errSink } from '../../src/log/stderr.js'
import { keptCredential } from '../../src/git/kept-username.js'
import { parseCredential } from '../../src/core/protocol.js'

const c = (host: string, username: string) => parseCredential(`protocol=https\nhost=${host}\nusername=${username}\npassword=pw\n\n`)

const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' }
const GH = 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'

t.test('an ordinary username: the same credential', async t => {
  const cred = c('github.com', 'alice')
  t.equal(keptCredential(cred, env), cred)
})

t.test('a token as the username: the forge’s convention by host', async t => {
  const kept = keptCredential(c('github.com', GH), env)
  t.equal(kept?.username, 'x-access-token')
  t.equal(keptCredential(c('gitlab.com', GH), env)?.username, 'oauth2')
})

t.test('a forge without a convention: nothing saved, one line, no token in it', async t => {
  const sink = errSink.write
  let said = ''
  errSink.write = s => void (said += s)
  try {
    t.equal(keptCredential(c('git.example.internal', GH), env), undefined)
  } finally {
    errSink.write = sink
  }
  t.equal(said.trim().split('\n').length, 1)
  t.notMatch(said, GH)
})
