// Starting this program in the background (src/runtime/detached.ts).
import t from 'tap'
import { existsSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import { claimMarker, daemonEnv, detachedEnv } from '../../src/runtime/detached.js'

t.test('a detached process gets no repository-specific git environment', async t => {
  const env = detachedEnv({ HOME: '/h', GIT_DIR: '/r/.git', GIT_CONFIG_PARAMETERS: "'a.b'='c'", GIT_CONFIG_GLOBAL: '/g', GIT_CREDENTIAL_PAT_HOME: '/p' })
  t.same(env, { HOME: '/h', GIT_CONFIG_GLOBAL: '/g', GIT_CREDENTIAL_PAT_HOME: '/p' })
})

t.test('the daemon gets only what it reads: no env: token variable, nothing else of its starter', async t => {
  const env = daemonEnv({
    HOME: '/h',
    PATH: '/bin',
    XDG_RUNTIME_DIR: '/run/user/1',
    LC_ALL: 'C',
    DBUS_SESSION_BUS_ADDRESS: 'unix:path=/b',
    GIT_DIR: '/r/.git',
    GIT_CONFIG_GLOBAL: '/g',
    GIT_CREDENTIAL_PAT_HOME: '/p',
    GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE: 's',
    GIT_CREDENTIAL_PAT_MY_TOKEN: 'ghp_x',
    GITLAB_TOKEN: 'glpat-x',
    AWS_SECRET_ACCESS_KEY: 'x',
  })
  t.same(env, {
    HOME: '/h',
    PATH: '/bin',
    XDG_RUNTIME_DIR: '/run/user/1',
    LC_ALL: 'C',
    DBUS_SESSION_BUS_ADDRESS: 'unix:path=/b',
    GIT_CONFIG_GLOBAL: '/g',
    GIT_CREDENTIAL_PAT_HOME: '/p',
    GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE: 's',
  })
})

t.test('claimMarker: one start at a time; a stale mark is taken over', async t => {
  const mark = join(t.testdir(), 'starting')
  t.equal(claimMarker(mark, 3000), true, 'the first claims it')
  t.ok(existsSync(mark))
  t.equal(claimMarker(mark, 3000), false, 'a second, while it is fresh, does not')
  const old = (Date.now() - 10_000) / 1000
  utimesSync(mark, old, old)
  t.equal(claimMarker(mark, 3000), true, 'a mark older than staleMs is taken over')
  t.equal(claimMarker(mark, 3000), false, 'and is fresh again')
  t.equal(claimMarker(join(t.testdir(), 'missing-dir', 'starting'), 3000), false, 'none can be made: false')
})
