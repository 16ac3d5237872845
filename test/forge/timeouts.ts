// How long a forge gets (src/forge/timeouts.ts).
import t from 'tap'
import { checkTimeoutMs, eraseTimeoutMs } from '../../src/forge/timeouts.js'

t.test('timeouts', async t => {
  t.equal(eraseTimeoutMs({}), 3000)
  t.equal(eraseTimeoutMs({ GIT_CREDENTIAL_PAT_CHECK_TIMEOUT_MS: '200' }), 200)
  t.equal(eraseTimeoutMs({ GIT_CREDENTIAL_PAT_CHECK_TIMEOUT_MS: '60000' }), 3000, 'erase never waits over 3 s')
  t.equal(checkTimeoutMs({ GIT_CREDENTIAL_PAT_CHECK_TIMEOUT_MS: '250' }), 250)
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'credential.pat.checkTimeout',
    GIT_CONFIG_VALUE_0: '4s',
  }
  delete env.GIT_CREDENTIAL_PAT_CHECK_TIMEOUT_MS
  t.equal(checkTimeoutMs(env), 4000, 'credential.pat.checkTimeout')
  const none = { ...env, GIT_CONFIG_COUNT: '0' }
  t.equal(checkTimeoutMs(none), 5000, 'default 5 s, for add, check and rotate alike')
})
