// When add asks the forge (src/cli/commands/add/forge-check.ts); what it then
// does is shown end to end in test/e2e/add-check.ts.
import t from 'tap'
import { checkBeforeSaving, wantsCheck } from '../../../../src/cli/commands/add/forge-check.js'
import { tokenRecord } from '../../../lib/token.js'

t.test('asked by default where there is a token API', async t => {
  const env = {}
  t.ok(wantsCheck({ provider: 'gitlab' }, { env }))
  t.ok(wantsCheck({ provider: 'github' }, { env }))
  t.ok(wantsCheck({ provider: 'gitea' }, { env }))
  t.notOk(wantsCheck({ provider: 'generic' }, { env }), 'no API: never')
  t.notOk(wantsCheck({ provider: 'bitbucket' }, { env, check: true }), 'not even with --check')
  t.notOk(wantsCheck({ provider: 'gitlab' }, { env, check: false }), '--no-check')
  t.notOk(wantsCheck({ provider: 'gitlab' }, { env: { GIT_CREDENTIAL_PAT_ADD_CHECK: '0' } }), 'turned off by the environment')
  t.ok(wantsCheck({ provider: 'gitlab' }, { env: { GIT_CREDENTIAL_PAT_ADD_CHECK: '0' }, check: true }), '--check wins')
})

t.test('no API: nothing asked, and --check says so', async t => {
  const rec = tokenRecord({ provider: 'launchpad', scope: 'git.launchpad.net/p' })
  const now = new Date()
  t.equal(await checkBeforeSaving(rec, 's', { env: {}, now }), undefined)
  t.match(await checkBeforeSaving(rec, 's', { env: {}, now, check: true }), /not checked: the forge does not say \(launchpad has no token API/)
  t.notOk(rec.checked, 'nothing recorded')
})
