// `setup --unset [--global|--local]`: undo setup. What it
// removes and why only that: gitconfig/helper-unset.ts. install.sh
// --uninstall runs it.
import { readFileSync } from 'node:fs'
import { PatError } from '../../errors.js'
import { configFile, resolveQuiet, writeConfigFile } from '../../gitconfig/config-file.js'
import { isOurs, readHelperEntries } from '../../gitconfig/helper-list.js'
import { normOrigin, planHelperUnset } from '../../gitconfig/helper-unset.js'
import { forgetSet, readSetByUs } from '../../state/config-record.js'
import { git } from '../../gitconfig/run.js'
import { say } from '../../log/stderr.js'
import { readMetadata } from '../../state/tokens.js'
import { statePaths } from '../../state/paths.js'
import { scopeOf } from '../../core/select.js'
import { originOf } from '../../core/scope.js'

export function runUnset(scope: 'global' | 'local', env: NodeJS.ProcessEnv): string {
  const file = configFile(scope, env)
  const lower: string[] = scope === 'global' ? ['system', 'global'] : ['system', 'global', 'local']
  const inherited = readHelperEntries(env).filter(e => lower.includes(e.scope) && (e.file === undefined || resolveQuiet(e.file) !== file))
  let text = ''
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new PatError('GIT', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code}`)
  }
  const plan = planHelperUnset(text, inherited, recordedOrigins(file, env), file)
  if (plan.text !== null) writeConfigFile(file, plan.text)
  // What was ours in this file is gone now, or was changed or removed by the user: no longer ours to take back.
  forgetSet(e => e.file === file, env)
  for (const n of plan.notes) say(n)
  for (const n of unrecorded(file, env)) say(n)
  const lines = plan.removed.map(r => `removed ${r} from ${file}`)
  if (!lines.length) lines.push(`nothing of git-credential-pat's in ${file}`)
  else if (plan.removed.some(r => r.includes('useHttpPath')))
    lines.push(`(to send repository paths again: git config --${scope} credential.<url>.useHttpPath true)`)

  // Entries this scope's file does not hold: say where they are.
  for (const e of readHelperEntries(env).filter(e => lower.includes(e.scope) && isOurs(e.value))) {
    const key = e.url === undefined ? 'credential.helper' : `credential.${e.url}.helper`
    say(`still configured: ${key} '${e.value}'${e.file ? ` in ${e.file}; remove it there: git config --file ${e.file} --unset-all ${key}` : ''}`)
  }
  const own = ownSettings(file, env)
  if (own.length) {
    say(`kept your own settings in ${file}: ${own.join(', ')} (git config --file ${file} --unset KEY removes one)`)
  }
  return lines.join('\n') + '\n'
}

/** normOrigin of each origin whose useHttpPath this program set in `file` (state/config-record.ts), with when. */
function recordedOrigins(file: string, env: NodeJS.ProcessEnv): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const e of readSetByUs(env)) {
    const m = /^credential\.(.+)\.usehttppath$/i.exec(e.key)
    const o = e.file === file && m && e.value === 'true' ? normOrigin(m[1]) : null
    if (o) out.set(o, [...(out.get(o) ?? []), `set by git-credential-pat on ${e.at.slice(0, 10)}`])
  }
  return out
}

/**
 * useHttpPath entries left for the hosts of our repository and group tokens
 * that no record says we set (an older version set them, or the user did):
 * kept, and named with the command that removes one.
 */
function unrecorded(file: string, env: NodeJS.ProcessEnv): string[] {
  let tokens
  try {
    tokens = readMetadata(statePaths(env).metadata).tokens
  } catch {
    return []
  }
  const origins = new Set<string>()
  for (const t of tokens) {
    const s = scopeOf(t)
    if (s && s.path.length) origins.add(originOf(s))
  }
  const out: string[] = []
  for (const origin of [...origins].sort()) {
    const key = `credential.${origin}.useHttpPath`
    const r = git(['config', '--file', file, '--type=bool', '--get', key], env)
    if (r.status === 0 && r.stdout.trim() === 'true') {
      out.push(
        `kept ${key}=true in ${file}: git-credential-pat has no record of setting it (it may be yours); to remove it: git config --file ${file} --unset ${key}`,
      )
    }
  }
  return out
}

/** Keys of this program's settings (credential.pat.*, credential.<url>.pat*) in the file: the user's own. */
function ownSettings(file: string, env: NodeJS.ProcessEnv): string[] {
  const r = git(['config', '--file', file, '--name-only', '--get-regexp', '^credential\\.(pat\\.|.*\\.pat[a-z]+$)'], env)
  return r.status === 0 ? [...new Set(r.stdout.split('\n').filter(Boolean))] : []
}
