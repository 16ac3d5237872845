// Where the remote helper finds a forward: the environment's socket, else
// the default one in the home when it exists; set empty, none at all.
import t from 'tap'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_FORWARD_NAME, forwardWhere } from '../../src/git/forward-where.js'

t.test('GIT_CREDENTIAL_PAT_FORWARD first, then the default path when it exists, and nothing else', async t => {
  const home = mkdtempSync(join(tmpdir(), 'gcp-fwd-where-'))
  t.teardown(() => rmSync(home, { recursive: true, force: true }))
  t.equal(forwardWhere({ HOME: home }), null, 'no default socket: no forward, and no error')
  t.same(forwardWhere({ HOME: home, GIT_CREDENTIAL_PAT_FORWARD: '/run/x.sock' }), { path: '/run/x.sock', by: 'env' })
  writeFileSync(join(home, DEFAULT_FORWARD_NAME), '') // its kind is judged when it is asked (forward-ask.ts)
  t.same(forwardWhere({ HOME: home }), { path: join(home, DEFAULT_FORWARD_NAME), by: 'default' })
  t.same(forwardWhere({ HOME: home, GIT_CREDENTIAL_PAT_FORWARD: '/run/x.sock' }), { path: '/run/x.sock', by: 'env' }, 'the environment wins')
  t.equal(forwardWhere({ HOME: home, GIT_CREDENTIAL_PAT_FORWARD: '' }), null, 'set empty: no forward, not even the default')
  t.equal(forwardWhere({}), null, 'no HOME: no default path')
})
