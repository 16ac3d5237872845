// The settings the daemon reads at start (src/daemon/run.ts); runDaemon
// itself runs as a process in test/e2e/daemon.ts.
import t from 'tap'
import { daemonSettings } from '../../src/daemon/run.js'

t.test('daemonSettings: seconds from the environment, idle defaulting to the cache timeout', async t => {
  t.same(daemonSettings({ GIT_CREDENTIAL_PAT_CACHE_TIMEOUT: '30', GIT_CREDENTIAL_PAT_DAEMON_IDLE: '0' }), { cacheTimeoutMs: 30_000, idleMs: 0 })
  t.same(daemonSettings({ GIT_CREDENTIAL_PAT_CACHE_TIMEOUT: '1.5', GIT_CREDENTIAL_PAT_DAEMON_IDLE: '-1' }).cacheTimeoutMs, 1500)
  t.same(
    daemonSettings({ GIT_CREDENTIAL_PAT_CACHE_TIMEOUT: 'soon', GIT_CREDENTIAL_PAT_DAEMON_IDLE: 'x' }),
    { cacheTimeoutMs: 900_000, idleMs: 900_000 },
    'not a number: the defaults',
  )
})
