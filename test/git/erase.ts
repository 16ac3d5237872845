// `erase` (src/git/erase.ts): git after a 401, or `git credential reject`.
// What store saved is deleted; a token made with add is marked rejected, or
// kept when the forge vouches for it; a different secret is never touched.
import t from 'tap'
import { erase } from '../../src/git/erase.js'
import { parseCredential } from '../../src/core/protocol.js'
import { readMetadata } from '../../src/state/tokens.js'
import { addPending } from '../../src/state/pending.js'
import { statePaths } from '../../src/state/paths.js'
import { tokenRecord } from '../lib/token.js'
import { captured, home } from './lib/home.js'
import { useTestKeychain } from '../lib/context.js'

// As the entry point does: the keychain of this process's environment is the one in use.
useTestKeychain()

const NOW = new Date('2026-11-30T12:00:00Z')
const reject = (secret?: string, extra = '') =>
  parseCredential(`protocol=https\nhost=gitlab.example.com\nusername=oauth2\n${secret === undefined ? '' : `password=${secret}\n`}${extra}\n`)

function tokens(h: ReturnType<typeof home>) {
  h.write([
    tokenRecord({ name: 'added', scope: 'gitlab.example.com', source: 'env:ADDED' }),
    tokenRecord({ name: 'stored', scope: 'gitlab.example.com/team/app', source: 'env:STORED', origin: 'store' }),
    tokenRecord({ name: 'bob', scope: 'gitlab.example.com', source: 'env:BOB', username: 'bob' }),
  ])
  return { ...h.env, ADDED: 'glpat-added', STORED: 'glpat-stored', BOB: 'glpat-added' }
}

const states = (file: string) => Object.fromEntries(readMetadata(file).tokens.map(x => [x.name, x.state]))

t.test('an added token is marked rejected, with when and where; others with another secret or user are untouched', async t => {
  const h = home(t, 'reject')
  const env = tokens(h)
  await erase(reject('glpat-added', 'path=team/x.git\n'), { env, now: NOW })
  t.same(states(h.metadata), { added: 'rejected', stored: 'active', bob: 'active' })
  t.same(readMetadata(h.metadata).tokens[0].rejected, { at: NOW.toISOString(), url: 'https://gitlab.example.com/team/x.git' })
})

t.test('what store saved is deleted', async t => {
  const h = home(t, 'stored')
  const env = tokens(h)
  await erase(reject('glpat-stored', 'path=team/app.git\n'), { env, now: NOW })
  t.same(Object.keys(states(h.metadata)), ['added', 'bob'])
})

t.test('the forge vouches for the token: kept, the 401 noted as about that repository', async t => {
  const h = home(t, 'vouched')
  const env = tokens(h)
  const asked: string[] = []
  await erase(reject('glpat-added'), {
    env,
    now: NOW,
    stillValid: async (x, secret) => {
      asked.push(`${x.name}:${secret === 'glpat-added'}`)
      return true
    },
  })
  t.same(asked, ['added:true'])
  t.same(states(h.metadata).added, 'active')
  t.same(readMetadata(h.metadata).tokens[0].denied, { at: NOW.toISOString(), url: 'https://gitlab.example.com' })
})

t.test('without protocol and host nothing is erased; without a password every match is', async t => {
  const h = home(t, 'blank')
  const env = tokens(h)
  await erase(parseCredential('username=oauth2\npassword=glpat-added\n\n'), { env, now: NOW })
  t.same(states(h.metadata), { added: 'active', stored: 'active', bob: 'active' })
  await erase(reject(undefined), { env, now: NOW })
  t.same(states(h.metadata), { added: 'rejected', bob: 'active' }, 'username oauth2: the added one rejected, the stored one deleted')
})

t.test('a secret that cannot be read cannot be shown to be the one git sent', async t => {
  const h = home(t, 'unreadable')
  h.write([tokenRecord({ name: 'gone', scope: 'gitlab.example.com', source: 'env:NOT_SET' })])
  await erase(reject('glpat-x'), { env: h.env, now: NOW })
  t.same(states(h.metadata), { gone: 'active' })
})

t.test('a typed answer the server refused is dropped, saying so', async t => {
  const h = home(t, 'typed')
  h.write([])
  addPending(
    statePaths(h.env).pending,
    {
      created: NOW.toISOString(),
      protocol: 'https',
      host: 'gitlab.example.com',
      username: 'oauth2',
      password: 'glpat-typo',
      choice: 'host',
      scope: 'gitlab.example.com',
      expires: null,
      provider: 'gitlab',
      name: 'typed',
      url: 'https://gitlab.example.com',
    },
    NOW,
  )
  const r = await captured(() => erase(reject('glpat-typo'), { env: h.env, now: NOW }))
  t.equal(r.stderr, 'git-credential-pat: the server refused the token typed for https://gitlab.example.com; it was not saved\n')
})
