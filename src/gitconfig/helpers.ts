// git's `credential.helper` list, as git itself evaluates it, and putting
// `pat` first in it (setup) or checking that it is there (doctor).
//
// git runs every helper configured for a URL in config order: plain
// `credential.helper` entries and `credential.<url>.helper` entries whose URL
// matches, across system, global and local config. An empty value resets
// the list built so far (gitcredentials(7)). `git config --add` can only
// append, and `--unset-all` + `--add` moves entries to a new section at the
// end of the file, which changes what a reset wipes; so setup edits the one
// config file as text, the way git does (a `FILE.lock` renamed over it), and
// checks its reading of the file against git's before changing anything.
import { closeSync, existsSync, openSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { homedir } from 'node:os'
import { basename, join, resolve } from 'node:path'
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
export function readHelperEntries(env: NodeJS.ProcessEnv = process.env): HelperEntry[] {
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

// ---- the config file as text ----------------------------------------------

export interface ScannedEntry {
  section: string // lower case
  sub?: string
  key: string // lower case
  value: string | null
  /** First and last line (0-based) of the entry. */
  start: number
  end: number
  /** The entry shares its line with a `[section]` header. */
  onHeader: boolean
}

/** Read a git config file the way git's config.c does; throws on what it cannot read. */
export function scanConfig(text: string): ScannedEntry[] {
  const s = text.replace(/\r\n/g, '\n')
  const out: ScannedEntry[] = []
  let i = 0
  let line = 0
  let section = ''
  let sub: string | undefined
  let headerLine = -1
  const bad = (why: string) => new Error(`line ${line + 1}: ${why}`)
  while (i < s.length) {
    const c = s[i]
    if (c === '\n') {
      line++
      i++
    } else if (c === ' ' || c === '\t') i++
    else if (c === '#' || c === ';') {
      while (i < s.length && s[i] !== '\n') i++
    } else if (c === '[') {
      const m = /^\[([A-Za-z0-9.-]+)(?:[ \t]+"((?:[^"\\\n]|\\[^\n])*)")?\]/.exec(s.slice(i, s.indexOf('\n', i) === -1 ? s.length : s.indexOf('\n', i)))
      if (!m) throw bad('a section header this reader does not understand')
      const dot = m[1].indexOf('.')
      if (m[2] !== undefined) {
        section = m[1].toLowerCase()
        sub = m[2].replace(/\\(.)/g, '$1')
      } else if (dot >= 0) {
        section = m[1].slice(0, dot).toLowerCase()
        sub = m[1].slice(dot + 1).toLowerCase()
      } else {
        section = m[1].toLowerCase()
        sub = undefined
      }
      headerLine = line
      i += m[0].length
    } else if (/[A-Za-z]/.test(c)) {
      const start = line
      let key = ''
      while (i < s.length && /[A-Za-z0-9-]/.test(s[i])) key += s[i++]
      while (s[i] === ' ' || s[i] === '\t') i++
      let value: string | null = null
      if (s[i] === '=') {
        i++
        ;[value, i, line] = parseValue(s, i, line, bad)
      } else if (i < s.length && s[i] !== '\n' && s[i] !== '#' && s[i] !== ';') throw bad('a line this reader does not understand')
      if (!section) throw bad('a variable before any section')
      out.push({ section, sub, key: key.toLowerCase(), value, start, end: line, onHeader: start === headerLine })
    } else throw bad(`unexpected '${c}'`)
  }
  return out
}

/** git's parse_value: quotes, escapes, comments, whitespace runs, continuation lines. */
function parseValue(s: string, i: number, line: number, bad: (w: string) => Error): [string, number, number] {
  let quote = false
  let comment = false
  let space = 0
  let v = ''
  for (;;) {
    if (i >= s.length || s[i] === '\n') {
      if (quote) throw bad('an unterminated quote')
      return [v, i, line]
    }
    const c = s[i++]
    if (comment) continue
    if ((c === ' ' || c === '\t') && !quote) {
      if (v.length) space++
      continue
    }
    if (!quote && (c === ';' || c === '#')) {
      comment = true
      continue
    }
    for (; space; space--) v += ' '
    if (c === '\\') {
      const d = s[i++]
      if (d === '\n') {
        line++
        continue
      }
      const esc: Record<string, string> = { t: '\t', b: '\b', n: '\n', '\\': '\\', '"': '"' }
      if (d === undefined || !(d in esc)) throw bad('a bad escape')
      v += esc[d]
      continue
    }
    if (c === '"') {
      quote = !quote
      continue
    }
    v += c
  }
}

/** A value as git config writes it: quoted when needed, escapes for \ " and control characters. */
export function quoteValue(v: string): string {
  const esc = v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\x08/g, '\\b')
  return v === '' || /^\s|\s$|[#;]/.test(v) || esc !== v ? `"${esc}"` : v
}

const quoteSub = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`

export interface HelperPlan {
  /** New file text, or null when nothing needs to change. */
  text: string | null
  /** What changed, for the user. */
  notes: string[]
}

/**
 * Put our helper first in the list git builds from the files up to and
 * including this one. `inherited` are the entries git reads before this
 * file (lower scopes); `gitValues` is `git config --file F --get-all
 * credential.helper`, to check this reader agrees with git.
 */
export function planHelperEdit(text: string, inherited: readonly HelperEntry[], gitValues: readonly string[], fileLabel: string): HelperPlan {
  let scanned: ScannedEntry[]
  try {
    scanned = scanConfig(text)
  } catch (e) {
    throw manual(fileLabel, (e as Error).message)
  }
  const own = scanned.filter(e => e.section === 'credential' && e.sub === undefined && e.key === 'helper')
  const ownValues = own.map(e => e.value)
  if (ownValues.length !== gitValues.length || ownValues.some((v, k) => v !== gitValues[k])) {
    throw manual(fileLabel, 'git reads its credential.helper entries differently from this tool')
  }
  const ownEntries: HelperEntry[] = []
  for (const e of scanned) {
    if (e.section !== 'credential' || e.key !== 'helper' || e.value === null) continue
    ownEntries.push({ scope: 'this', url: e.sub, value: e.value })
  }
  const before = effectiveHelpers([...inherited, ...ownEntries])
  if (before.length && isOurs(before[0]) && before.filter(isOurs).length === 1) return { text: null, notes: [] }

  const form = ownValues.find(v => v !== null && isOurs(v)) ?? inherited.find(e => e.url === undefined && isOurs(e.value))?.value ?? 'pat'
  const drop = own.filter(e => e.value !== null && isOurs(e.value))
  if (drop.some(e => e.onHeader)) throw manual(fileLabel, 'a credential.helper entry shares a line with its section header')
  const lines = text.split('\n')
  const removed = new Set<number>()
  for (const e of drop) for (let l = e.start; l <= e.end; l++) removed.add(l)
  const insertAt = new Map<number, string[]>() // before line n
  const notes: string[] = []

  const lastReset = own.map(e => e.value).lastIndexOf('')
  const inheritedLive = effectiveHelpers(inherited)
  const foreign = inheritedLive.filter(v => !isOurs(v))
  if (lastReset >= 0) {
    // Everything before the reset is dead: ours goes right after it.
    const r = own[lastReset]
    if (r.onHeader) throw manual(fileLabel, 'a credential.helper entry shares a line with its section header')
    insertAt.set(r.end + 1, [`\thelper = ${quoteValue(form)}`])
  } else if (foreign.length === 0) {
    if (!inheritedLive.some(isOurs)) {
      // Right before the first credential.helper the file has, or where
      // `git config --add` would put it: URL sections keep their order.
      const firstOwn = own.find(e => !removed.has(e.start))
      if (firstOwn && !firstOwn.onHeader) insertAt.set(firstOwn.start, [`\thelper = ${quoteValue(form)}`])
      else if (firstOwn) insertAt.set(firstOwn.start, ['[credential]', `\thelper = ${quoteValue(form)}`])
      else insertAt.set(lines[lines.length - 1] === '' ? lines.length - 1 : lines.length, ['[credential]', `\thelper = ${quoteValue(form)}`])
    }
  } else {
    // Helpers from a lower scope run before anything in this file; only a
    // reset can put ours first, and then theirs must be repeated after it.
    const block = [
      '# git-credential-pat setup: an empty helper resets the list, so the helpers',
      '# from lower config scopes are repeated after pat to keep them.',
      '[credential]',
      '\thelper =',
      `\thelper = ${quoteValue(form)}`,
    ]
    let lastG = -1
    inherited.forEach((e, k) => {
      if (e.url === undefined && e.value === '') lastG = k
    })
    let current: string | undefined = ''
    for (const e of inherited.slice(lastG + 1)) {
      if (e.url === undefined && isOurs(e.value)) continue
      if (e.url !== current) {
        block.push(e.url === undefined ? '[credential]' : `[credential ${quoteSub(e.url)}]`)
        current = e.url
      }
      block.push(`\thelper = ${quoteValue(e.value)}`)
    }
    insertAt.set(0, block)
    notes.push(`repeated the helpers git reads before ${fileLabel} after pat (an empty helper value resets the list): ${foreign.join(', ')}`)
  }

  const out: string[] = []
  for (let n = 0; n <= lines.length; n++) {
    const ins = insertAt.get(n)
    if (ins) out.push(...ins)
    if (n < lines.length && !removed.has(n)) out.push(lines[n])
  }
  let result = out.join('\n')
  if (!result.endsWith('\n')) result += '\n'
  return { text: result, notes }
}

const manual = (file: string, why: string) =>
  new PatError('GIT', `cannot safely edit ${file} (${why}); put 'helper = pat' first under [credential] there by hand`)

// ---- files and writing ------------------------------------------------------

/** The file `git config --global|--local` writes. */
export function configFile(scope: 'global' | 'local', env: NodeJS.ProcessEnv = process.env): string {
  let file: string
  if (scope === 'local') {
    const r = git(['rev-parse', '--path-format=absolute', '--git-common-dir'], env)
    if (r.status !== 0) throw new PatError('GIT', 'setup --local must run inside a git repository (or use --global)')
    file = join(r.stdout.trim(), 'config')
  } else if (env.GIT_CONFIG_GLOBAL) file = resolve(env.GIT_CONFIG_GLOBAL)
  else {
    // git writes ~/.gitconfig, or the XDG file when only that one exists.
    const home = env.HOME || homedir()
    const dot = join(home, '.gitconfig')
    const xdg = join(env.XDG_CONFIG_HOME || join(home, '.config'), 'git', 'config')
    file = !existsSync(dot) && existsSync(xdg) ? xdg : dot
  }
  // A symlinked ~/.gitconfig (dotfile managers) is edited where it points, as git does.
  try {
    return realpathSync(file)
  } catch {
    return file
  }
}

/** Replace a config file's contents with git's lock protocol (FILE.lock, then rename). */
export function writeConfigFile(file: string, text: string): void {
  let mode = 0o644
  try {
    mode = statSync(file).mode & 0o777
  } catch {
    /* new file */
  }
  const lock = `${file}.lock`
  let fd: number
  try {
    fd = openSync(lock, 'wx', mode)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new PatError(
      'GIT',
      code === 'EEXIST'
        ? `${lock} exists: another git is changing that file, or crashed; remove the lock if no git is running`
        : `cannot write ${file}: ${code}`,
    )
  }
  try {
    writeSync(fd, text)
    closeSync(fd)
    renameSync(lock, file)
  } catch (e) {
    try {
      unlinkSync(lock)
    } catch {
      /* already gone */
    }
    throw new PatError('GIT', `cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)
  }
}

/** Put pat first in the helper list git builds up to `scope`. Returns what it did, or null if nothing was needed. */
export function ensureHelperFirst(scope: 'global' | 'local', env: NodeJS.ProcessEnv = process.env): { file: string; notes: string[]; list: string[] } | null {
  const file = configFile(scope, env)
  const lower: string[] = scope === 'global' ? ['system', 'global'] : ['system', 'global', 'local']
  const all = readHelperEntries(env).filter(e => lower.includes(e.scope))
  const inherited = all.filter(e => e.file === undefined || resolveQuiet(e.file) !== file)
  let text = ''
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new PatError('GIT', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code}`)
  }
  const r = git(['config', '--file', file, '--get-all', 'credential.helper'], env)
  const gitValues = r.status === 0 ? r.stdout.replace(/\n$/, '').split('\n') : []
  const plan = planHelperEdit(text, inherited, gitValues, file)
  if (plan.text === null) return null
  writeConfigFile(file, plan.text)
  const after = effectiveHelpers(readHelperEntries(env).filter(e => lower.includes(e.scope)))
  if (!after.length || !isOurs(after[0])) throw new PatError('GIT', `changed ${file}, but git still does not ask pat first; please report this`)
  return { file, notes: plan.notes, list: after }
}

function resolveQuiet(f: string): string {
  try {
    return realpathSync(f)
  } catch {
    return resolve(f)
  }
}
