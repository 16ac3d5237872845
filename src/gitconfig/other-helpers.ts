// git's plaintext and caching helpers beside ours. git
// asks every configured helper in turn and, after a success, stores the
// credential into all of them (gitcredentials(7)): with `store` after pat,
// ~/.git-credentials gets every token in plaintext, and once pat withholds
// a token (disabled, expired, rejected) git asks `store` next and sends it
// anyway. `cache` does the same from memory for its timeout.
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { PatError } from '../errors.js'
import { readHelperEntries, type HelperEntry } from './helper-list.js'
import { emptiedHeaders, scanConfig } from './config-text.js'
import { writeConfigFile } from './config-file.js'

export type OtherKind = 'plaintext' | 'cache'

/**
 * Whether a helper value is git's credential-store (plaintext) or
 * credential-cache, in any spelling git accepts: `store`, `store --file F`,
 * `git-credential-store`, a path to it, `!git credential-store …`.
 */
export function otherHelperKind(value: string): OtherKind | null {
  const words = value.trim().replace(/^!\s*/, '').split(/\s+/)
  let cmd = basename(words[0] ?? '')
  if (cmd === 'git' && words[1]) cmd = words[1]
  cmd = cmd.replace(/^git-/, '').replace(/^credential-/, '')
  return cmd === 'store' ? 'plaintext' : cmd === 'cache' ? 'cache' : null
}

export interface OtherHelper extends HelperEntry {
  kind: OtherKind
}

/** The store/cache helpers among helper entries, in config order. */
export function otherHelpersIn(entries: readonly HelperEntry[]): OtherHelper[] {
  return entries.flatMap(e => {
    const kind = otherHelperKind(e.value)
    return kind ? [{ ...e, kind }] : []
  })
}

/** The store/cache helpers git sees from here (of the given config scopes), in config order. */
export function findOtherHelpers(env: NodeJS.ProcessEnv, scopes?: readonly string[]): OtherHelper[] {
  return otherHelpersIn(readHelperEntries(env).filter(e => !scopes || scopes.includes(e.scope)))
}

/** How to name one to the user: `credential.helper 'store' (keeps every token in a plaintext file, ~/.gitconfig)`. */
export function describeOther(h: OtherHelper): string {
  const key = h.url === undefined ? 'credential.helper' : `credential.${h.url}.helper`
  return `${key} '${h.value}' (${h.kind === 'plaintext' ? 'keeps every token in a plaintext file' : 'keeps every token in memory'}${h.file ? `, ${h.file}` : ''})`
}

/**
 * Remove the store/cache entries of one config file, edited as text with
 * git's lock protocol like setup's other edits, and the section headers
 * they leave empty. Returns the values removed.
 */
export function removeOtherHelpers(file: string): string[] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw new PatError('GIT', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code}`)
  }
  let entries
  try {
    entries = scanConfig(text)
  } catch (e) {
    throw new PatError('GIT', `cannot safely edit ${file} (${(e as Error).message}); remove its store/cache helper entries by hand`)
  }
  const drop = entries.filter(e => e.section === 'credential' && e.key === 'helper' && e.value !== null && otherHelperKind(e.value))
  if (!drop.length) return []
  if (drop.some(e => e.onHeader))
    throw new PatError(
      'GIT',
      `cannot safely edit ${file} (a helper entry shares a line with its section header); remove its store/cache helper entries by hand`,
    )
  const removed = new Set<number>()
  for (const e of drop) for (let l = e.start; l <= e.end; l++) removed.add(l)
  const lines = text.split('\n')
  // A `[credential]` header with nothing left under it goes too, as setup --unset does.
  for (const h of emptiedHeaders(lines, entries, removed)) removed.add(h)
  writeConfigFile(file, lines.filter((_, n) => !removed.has(n)).join('\n'))
  return drop.map(e => e.value!)
}
