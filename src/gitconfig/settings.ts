// git config as the helper sees it, read through git (includes, -c, GIT_DIR
// all apply) and cached: at most one `git config --list` spawn per process,
// plus one `--get-urlmatch credential URL` per URL when `credential.<url>.*`
// keys exist for the name asked about.
// Failures read as "unset": a helper must never break git over its config.
import { git } from './run.js'

type Entries = Map<string, string[]>

const listCache = new WeakMap<NodeJS.ProcessEnv, Entries>()
const urlCache = new WeakMap<NodeJS.ProcessEnv, Map<string, Entries>>()

/** `section.sub.key` with section and key lower-cased, as git prints them. */
export function canonKey(key: string): string {
  const first = key.indexOf('.')
  const last = key.lastIndexOf('.')
  if (first < 0) return key.toLowerCase()
  if (first === last) return key.toLowerCase()
  return key.slice(0, first).toLowerCase() + key.slice(first, last) + key.slice(last).toLowerCase()
}

function parseZ(out: string): Entries {
  const m: Entries = new Map()
  for (const rec of out.split('\0')) {
    if (!rec) continue
    const nl = rec.indexOf('\n')
    // A key without `=` in the file has no value (boolean true): git prints the key alone.
    const key = canonKey(nl < 0 ? rec : rec.slice(0, nl))
    const value = nl < 0 ? 'true' : rec.slice(nl + 1)
    const list = m.get(key)
    if (list) list.push(value)
    else m.set(key, [value])
  }
  return m
}

function run(args: string[], env: NodeJS.ProcessEnv): Entries {
  try {
    const r = git(['config', '-z', ...args], env)
    return r.status === 0 ? parseZ(r.stdout) : new Map()
  } catch {
    return new Map()
  }
}

function all(env: NodeJS.ProcessEnv): Entries {
  let m = listCache.get(env)
  if (!m) listCache.set(env, (m = run(['--list'], env)))
  return m
}

/** The last value of a plain key (`core.askPass`, `credential.pat.warnDays`), or undefined. */
export function setting(key: string, env: NodeJS.ProcessEnv): string | undefined {
  const v = all(env).get(canonKey(key))
  return v?.[v.length - 1]
}

/** Every value of a multi-valued key, in config order. */
export function settingAll(key: string, env: NodeJS.ProcessEnv): string[] {
  return all(env).get(canonKey(key)) ?? []
}

/**
 * `credential.<name>` for a URL with git's url-matching (`credential.<url>.<name>`
 * beats `credential.<name>`), e.g. credentialSetting('interactive', url).
 */
export function credentialSetting(name: string, url: string, env: NodeJS.ProcessEnv): string | undefined {
  // Without any `credential.<url>.<name>` the plain key is the answer: no second spawn.
  const key = `credential.${name.toLowerCase()}`
  const suffix = `.${name.toLowerCase()}`
  let urlKeys = false
  for (const k of all(env).keys()) if (k !== key && k.startsWith('credential.') && k.endsWith(suffix)) urlKeys = true
  if (!urlKeys) return setting(key, env)
  let byUrl = urlCache.get(env)
  if (!byUrl) urlCache.set(env, (byUrl = new Map()))
  let m = byUrl.get(url)
  if (!m) byUrl.set(url, (m = run(['--get-urlmatch', 'credential', url], env)))
  const v = m.get(`credential.${name.toLowerCase()}`)
  return v?.[v.length - 1]
}

/** git's boolean parsing; undefined for unset or not a boolean. */
export function parseBool(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined
  const s = v.trim().toLowerCase()
  if (['true', 'yes', 'on'].includes(s)) return true
  if (['', 'false', 'no', 'off'].includes(s)) return false
  const n = /^-?\d+$/.test(s) ? Number(s) : NaN
  return Number.isNaN(n) ? undefined : n !== 0
}

/**
 * Whether `get` renews a GitLab token near expiry through the forge:
 * `credential.<url>.patAutoRotate` for the token's URL, else
 * `credential.pat.autoRotate`; default off.
 */
export function autoRotateFor(url: string, env: NodeJS.ProcessEnv): boolean {
  return parseBool(credentialSetting('patAutoRotate', url, env)) ?? parseBool(setting('credential.pat.autoRotate', env)) ?? false
}
