// Reading and writing git config through the real git binary, so includes,
// GIT_CONFIG_GLOBAL and url-matching (`credential.<url>.*`) behave as git's.
import { spawnSync } from 'node:child_process'
import { PatError } from '../errors.js'

/**
 * Run git, failing with a GIT error only when it cannot be started. Bounded
 * (5 s): a helper must never hang git, not even on its own config.
 */
export function git(args: string[], env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('git', args, { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 5000 })
  if (r.error) throw new PatError('GIT', `cannot run git: ${r.error.message}`)
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** One value, or undefined when unset (`git config --get`). */
export function configGet(key: string, env: NodeJS.ProcessEnv): string | undefined {
  const r = git(['config', '--get', key], env)
  return r.status === 0 ? r.stdout.replace(/\n$/, '') : undefined
}

/** A value for a URL, following git's `credential.<url>.*` matching rules. */
export function configGetUrlmatch(key: string, url: string, env: NodeJS.ProcessEnv): string | undefined {
  const r = git(['config', '--get-urlmatch', key, url], env)
  return r.status === 0 ? r.stdout.replace(/\n$/, '') : undefined
}

export function configSet(key: string, value: string, scope: '--global' | '--local', env: NodeJS.ProcessEnv): void {
  const r = git(['config', scope, key, value], env)
  if (r.status !== 0) throw new PatError('GIT', `git config ${scope} ${key} failed: ${r.stderr.trim()}`)
}
