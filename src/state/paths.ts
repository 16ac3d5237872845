// Where state lives. The platform's usual directories, as env-paths gives
// them (docs/git-credential-pat.md, "Files"); GIT_CREDENTIAL_PAT_HOME moves everything (metadata, log,
// runtime socket) under one directory, which tests and containers rely on.
//
// On Linux the XDG directories are worked out here with env-paths' own
// rules (test/state/paths.ts holds the two to the same answers): importing
// env-paths is costly under Bun, because it loads node:path and node:os
// and asks for the home directory at load time, and git runs `get` for
// every request. Other platforms load env-paths itself.
import type EnvPaths from 'env-paths'
import { join } from '../core/path.js'

export interface StatePaths {
  data: string
  metadata: string
  warnState: string
  log: string
  runtime: string
  pending: string
}

interface BaseDirs {
  data: string
  cache: string
  log: string
}

const NAME = 'git-credential-pat'

const envPaths: typeof EnvPaths | null = process.platform === 'linux' ? null : (await import('env-paths')).default

export function statePaths(env: NodeJS.ProcessEnv): StatePaths {
  const home = env.GIT_CREDENTIAL_PAT_HOME
  if (home) {
    return {
      data: home,
      metadata: join(home, 'tokens.json'),
      warnState: join(home, 'warned.json'),
      log: join(home, 'log', 'git-credential-pat.log'),
      runtime: join(home, 'run'),
      pending: join(home, 'pending'),
    }
  }
  const p = baseDirs(env)
  // The daemon socket: $XDG_RUNTIME_DIR is the user's own; else a
  // 0700 directory under the user's cache dir, as git-credential-cache uses
  // ~/.cache/git/credential/. Never env-paths' temp dir (/tmp/<user>/…):
  // another user can create that path first and own a directory above it.
  const runtimeBase = env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'git-credential-pat') : join(p.cache, 'run')
  return {
    data: p.data,
    metadata: join(p.data, 'tokens.json'),
    warnState: join(p.cache, 'warned.json'),
    log: join(p.log, 'git-credential-pat.log'),
    runtime: runtimeBase,
    pending: join(p.cache, 'pending'),
  }
}

/**
 * env-paths('git-credential-pat', { suffix: '' }). The XDG variables come
 * from `env` and the home directory from its HOME, else os.homedir(), as
 * env-paths does with the process's own environment.
 */
export function baseDirs(env: NodeJS.ProcessEnv): BaseDirs {
  if (envPaths) return envPaths(NAME, { suffix: '' })
  const home = env.HOME || (process.getBuiltinModule('node:os') as typeof import('node:os')).homedir()
  return {
    data: join(env.XDG_DATA_HOME || join(home, '.local', 'share'), NAME),
    cache: join(env.XDG_CACHE_HOME || join(home, '.cache'), NAME),
    log: join(env.XDG_STATE_HOME || join(home, '.local', 'state'), NAME),
  }
}
