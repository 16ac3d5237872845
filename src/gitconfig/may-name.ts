// Whether git config could hold a key whose name has `word` in it, told
// from the config files themselves, without starting `git config` (a
// process on every request git makes). Conservative: any file that
// includes another, a repository whose `.git` is a file (a worktree), or
// settings given through the environment count as "could", and git is
// asked then (settings.ts). git-config(1), "FILES" and "ENVIRONMENT".
import { readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'

export function configMayName(word: string, env: NodeJS.ProcessEnv, cwd: string): boolean {
  const w = word.toLowerCase()
  if ((env.GIT_CONFIG_PARAMETERS ?? '').toLowerCase().includes(w)) return true
  if (Number(env.GIT_CONFIG_COUNT) > 0) return true
  const files: string[] = []
  if (!env.GIT_CONFIG_NOSYSTEM) files.push(env.GIT_CONFIG_SYSTEM ?? '/etc/gitconfig')
  if (env.GIT_CONFIG_GLOBAL !== undefined) files.push(env.GIT_CONFIG_GLOBAL)
  else {
    files.push(join(env.XDG_CONFIG_HOME || join(env.HOME ?? '/', '.config'), 'git', 'config'))
    if (env.HOME) files.push(join(env.HOME, '.gitconfig'))
  }
  const local = repoConfig(env, cwd)
  if (local === true) return true
  if (local) files.push(local)
  for (const f of files) {
    let text: string
    try {
      text = readFileSync(f, 'utf8').toLowerCase()
    } catch {
      continue // absent or unreadable: git skips it too
    }
    if (text.includes(w) || text.includes('[include')) return true
  }
  return false
}

/** The repository's config file, null outside one, true when only git can tell (a worktree, GIT_COMMON_DIR). */
function repoConfig(env: NodeJS.ProcessEnv, cwd: string): string | null | true {
  if (env.GIT_COMMON_DIR) return true
  if (env.GIT_DIR) return join(env.GIT_DIR, 'config')
  for (let d = cwd; ; d = dirname(d)) {
    try {
      const st = statSync(join(d, '.git'))
      return st.isDirectory() ? join(d, '.git', 'config') : true
    } catch {
      // not here
    }
    if (statSafe(join(d, 'config')) && statSafe(join(d, 'HEAD')) && statSafe(join(d, 'objects'))) return join(d, 'config') // a bare repository
    if (dirname(d) === d) return null
  }
}

function statSafe(p: string): boolean {
  try {
    statSync(p)
    return true
  } catch {
    return false
  }
}
