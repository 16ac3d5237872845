import t from 'tap'
import envPaths from 'env-paths'
import { baseDirs, statePaths } from '../../src/state/paths.js'
import { join } from '../../src/core/path.js'

t.test('the Linux directories are the ones env-paths gives, whatever XDG variables are set', async t => {
  const keys = ['HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME', 'XDG_STATE_HOME'] as const
  const saved = Object.fromEntries(keys.map(k => [k, process.env[k]]))
  t.teardown(() => {
    for (const k of keys) {
      if (saved[k] === undefined) delete process.env[k]
      else process.env[k] = saved[k]
    }
  })
  const values = [undefined, '/x/data', '/y/cache/', '/z/state']
  for (const data of [undefined, values[1]])
    for (const cache of [undefined, values[2]])
      for (const state of [undefined, values[3]]) {
        const set = (k: string, v: string | undefined) => (v === undefined ? delete process.env[k] : (process.env[k] = v))
        set('XDG_DATA_HOME', data)
        set('XDG_CACHE_HOME', cache)
        set('XDG_STATE_HOME', state)
        // env-paths reads the home directory once, when loaded: compare with the same HOME.
        const want = envPaths('git-credential-pat', { suffix: '' })
        const got = baseDirs(process.env)
        t.same(
          { data: got.data, cache: got.cache, log: got.log },
          { data: want.data, cache: want.cache, log: want.log },
          JSON.stringify({ data, cache, state }),
        )
      }
})

t.test('GIT_CREDENTIAL_PAT_HOME moves everything under it', async t => {
  const p = statePaths({ GIT_CREDENTIAL_PAT_HOME: '/srv/pat/' })
  t.same(p, {
    data: '/srv/pat/',
    metadata: '/srv/pat/tokens.json',
    warnState: '/srv/pat/warned.json',
    log: '/srv/pat/log/git-credential-pat.log',
    runtime: '/srv/pat/run',
    pending: '/srv/pat/pending',
  })
  t.equal(statePaths({ XDG_RUNTIME_DIR: '/run/user/1000' }).runtime, '/run/user/1000/git-credential-pat', 'the socket directory under XDG_RUNTIME_DIR')
  t.equal(statePaths({}).runtime, join(baseDirs(process.env).cache, 'run'), 'else under the cache directory')
})
