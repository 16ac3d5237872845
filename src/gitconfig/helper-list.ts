// git's `credential.helper` list, as git itself evaluates it: read it
// (setup, doctor) and tell whether `pat` comes first in it.
//
// git runs every helper configured for a URL in config order: plain
// `credential.helper` entries and `credential.<url>.helper` entries whose URL
// matches, across system, global and local config. An empty value resets
// the list built so far (gitcredentials(7)).
import { basename } from 'node:path'
import { PatError } from '../errors.js'
import { git } from './run.js'

export type ConfigScope = 'system' | 'global' | 'local' | 'worktree' | 'command'

export interface HelperEntry {
  scope: string
  /** The config file it came from; undefined for `-c` and the like. */
  file?: string
  /** The URL of a `credential.<url>.helper` entry; undefined for `credential.helper`. */
  url?: string
  value: string
}

/** Every credential helper entry git sees from here, in the order git applies them. */
export function readHelperEntries(env: NodeJS.ProcessEnv): HelperEntry[] {
  const r = git(['config', '--show-origin', '--show-scope', '-z', '--get-regexp', '^credential\\..*helper$'], env)
  if (r.status !== 0 && r.status !== 1) throw new PatError('GIT', `git config failed: ${r.stderr.trim().split('\n')[0]}`)
  return parseHelperListing(r.stdout)
}

/** Parse `git config --show-origin --show-scope -z --get-regexp` output. */
export function parseHelperListing(out: string): HelperEntry[] {
  const parts = out.split('\0')
  const entries: HelperEntry[] = []
  for (let i = 0; i + 2 < parts.length; i += 3) {
    const [scope, origin, kv] = [parts[i], parts[i + 1], parts[i + 2]]
    const nl = kv.indexOf('\n')
    if (nl < 0) continue // `helper` without a value: git refuses it anyway
    const key = kv.slice(0, nl)
    const value = kv.slice(nl + 1)
    let url: string | undefined
    if (key.toLowerCase() !== 'credential.helper') {
      const m = /^credential\.(.+)\.helper$/i.exec(key)
      if (!m) continue
      url = m[1]
    }
    entries.push({ scope, file: origin.startsWith('file:') ? origin.slice(5) : undefined, url, value })
  }
  return entries
}

/** Whether a helper value runs this program (`pat`, `git-credential-pat`, a path to it, `!…`). */
export function isOurs(value: string): boolean {
  let v = value.trim()
  if (!v) return false
  const shell = v.startsWith('!')
  if (shell) v = v.slice(1).trim()
  const first = v.split(/\s+/)[0]
  if (shell || first.includes('/')) return basename(first) === 'git-credential-pat'
  return first === 'pat' || first === 'git-credential-pat'
}

/**
 * Whether a `credential.<url>.*` URL applies to an origin (`https://host[:port]`),
 * after git's urlmatch rules: same scheme, same host (a `*` matches one
 * label), same port; a URL with a path or a user name needs git to send
 * those, so it does not apply to the host as a whole.
 */
export function urlMatches(configUrl: string, origin: string): boolean {
  let c: URL
  let o: URL
  try {
    c = new URL(configUrl)
    o = new URL(origin)
  } catch {
    return false
  }
  if (c.protocol !== o.protocol || c.port !== o.port || c.username) return false
  if (c.pathname !== '/' && c.pathname !== '') return false
  const cl = c.hostname.toLowerCase().split('.')
  const ol = o.hostname.toLowerCase().split('.')
  return cl.length === ol.length && cl.every((l, i) => l === '*' || l === ol[i])
}

/** The helpers git runs, in order, for an origin (or for any URL when origin is undefined). */
export function effectiveHelpers(entries: readonly HelperEntry[], origin?: string): string[] {
  let list: string[] = []
  for (const e of entries) {
    if (e.url !== undefined && (origin === undefined || !urlMatches(e.url, origin))) continue
    if (e.value === '') list = []
    else list.push(e.value)
  }
  return list
}
