// Where state lives. env-paths gives the platform's usual directories;
// GIT_CREDENTIAL_PAT_HOME moves everything (metadata, log, runtime socket)
// under one directory (SPEC §4), which tests and containers rely on.
import envPaths from 'env-paths'
import { join } from 'node:path'

export interface StatePaths {
  data: string
  metadata: string
  warnState: string
  log: string
  runtime: string
  pending: string
}

export function statePaths(env: NodeJS.ProcessEnv = process.env): StatePaths {
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
  const p = envPaths('git-credential-pat', { suffix: '' })
  // The daemon socket (SPEC §8): $XDG_RUNTIME_DIR is the user's own; else a
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
