// Putting `pat` first in git's helper list (setup). `git config --add` can
// only append, and `--unset-all` + `--add` moves entries to a new section at
// the end of the file, which changes what a reset wipes; so setup edits the
// one config file as text, the way git does (a `FILE.lock` renamed over it),
// and checks its reading of the file against git's before changing anything.
import { readFileSync } from 'node:fs'
import { PatError } from '../errors.js'
import { git } from './run.js'
import { effectiveHelpers, isOurs, readHelperEntries, type HelperEntry } from './helper-list.js'
import { quoteSub, quoteValue, scanConfig, type ScannedEntry } from './config-text.js'
import { configFile, resolveQuiet, writeConfigFile } from './config-file.js'

export interface HelperPlan {
  /** New file text, or null when nothing needs to change. */
  text: string | null
  /** What changed, for the user. */
  notes: string[]
}

/** What one edit works from. */
interface Edit {
  /** The file's `credential.helper` entries (no URL), in file order. */
  own: ScannedEntry[]
  inherited: readonly HelperEntry[]
  /** How ours is spelled: as the user already wrote it, else `pat`. */
  form: string
  lines: string[]
  /** Lines of the entries of ours that go (the new one replaces them). */
  removed: Set<number>
  fileLabel: string
}

/**
 * Put our helper first in the list git builds from the files up to and
 * including this one. `inherited` are the entries git reads before this
 * file (lower scopes); `gitValues` is `git config --file F --get-all
 * credential.helper`, to check this reader agrees with git. `want`: the
 * value to write (the program's absolute path, where its directory is not
 * on PATH); by default ours as the user already spelled it, else `pat`.
 */
export function planHelperEdit(text: string, inherited: readonly HelperEntry[], gitValues: readonly string[], fileLabel: string, want?: string): HelperPlan {
  const scanned = scanChecked(text, gitValues, fileLabel)
  const own = scanned.filter(e => e.section === 'credential' && e.sub === undefined && e.key === 'helper')
  if (alreadyFirst(scanned, inherited, want)) return { text: null, notes: [] }

  const ownValues = own.map(e => e.value)
  const form = want ?? ownValues.find(v => v !== null && isOurs(v)) ?? inherited.find(e => e.url === undefined && isOurs(e.value))?.value ?? 'pat'
  const drop = own.filter(e => e.value !== null && isOurs(e.value))
  if (drop.some(e => e.onHeader)) throw manual(fileLabel, 'a credential.helper entry shares a line with its section header')
  const lines = text.split('\n')
  const removed = new Set<number>()
  for (const e of drop) for (let l = e.start; l <= e.end; l++) removed.add(l)
  const { insertAt, notes } = placeOurs({ own, inherited, form, lines, removed, fileLabel })
  return { text: render(lines, removed, insertAt), notes }
}

/** The file as this reader sees it, refused unless git reads its credential.helper entries the same way. */
function scanChecked(text: string, gitValues: readonly string[], fileLabel: string): ScannedEntry[] {
  let scanned: ScannedEntry[]
  try {
    scanned = scanConfig(text)
  } catch (e) {
    throw manual(fileLabel, (e as Error).message)
  }
  const ownValues = scanned.filter(e => e.section === 'credential' && e.sub === undefined && e.key === 'helper').map(e => e.value)
  if (ownValues.length !== gitValues.length || ownValues.some((v, k) => v !== gitValues[k])) {
    throw manual(fileLabel, 'git reads its credential.helper entries differently from this tool')
  }
  return scanned
}

/** Whether git already asks ours first (as `want`, when given), and only once. */
function alreadyFirst(scanned: readonly ScannedEntry[], inherited: readonly HelperEntry[], want?: string): boolean {
  const ownEntries: HelperEntry[] = []
  for (const e of scanned) {
    if (e.section !== 'credential' || e.key !== 'helper' || e.value === null) continue
    ownEntries.push({ scope: 'this', url: e.sub, value: e.value })
  }
  const before = effectiveHelpers([...inherited, ...ownEntries])
  return before.length > 0 && isOurs(before[0]) && before.filter(isOurs).length === 1 && (want === undefined || before[0] === want)
}

/** Where the new entry goes: lines to insert before line n. */
function placeOurs(x: Edit): { insertAt: Map<number, string[]>; notes: string[] } {
  const insertAt = new Map<number, string[]>() // before line n
  const notes: string[] = []
  const ours = `\thelper = ${quoteValue(x.form)}`
  const lastReset = x.own.map(e => e.value).lastIndexOf('')
  const inheritedLive = effectiveHelpers(x.inherited)
  const foreign = inheritedLive.filter(v => !isOurs(v))
  if (lastReset >= 0) {
    // Everything before the reset is dead: ours goes right after it.
    const r = x.own[lastReset]
    if (r.onHeader) throw manual(x.fileLabel, 'a credential.helper entry shares a line with its section header')
    insertAt.set(r.end + 1, [ours])
  } else if (foreign.length === 0) {
    if (!inheritedLive.some(isOurs)) {
      // Right before the first credential.helper the file has, or where
      // `git config --add` would put it: URL sections keep their order.
      const firstOwn = x.own.find(e => !x.removed.has(e.start))
      if (firstOwn && !firstOwn.onHeader) insertAt.set(firstOwn.start, [ours])
      else if (firstOwn) insertAt.set(firstOwn.start, ['[credential]', ours])
      else insertAt.set(x.lines[x.lines.length - 1] === '' ? x.lines.length - 1 : x.lines.length, ['[credential]', ours])
    }
  } else {
    insertAt.set(0, resetBlock(x.inherited, ours))
    notes.push(`repeated the helpers git reads before ${x.fileLabel} after pat (an empty helper value resets the list): ${foreign.join(', ')}`)
  }
  return { insertAt, notes }
}

/** The comment above the reset block; `setup --unset` (helper-unset.ts) knows the block by it. */
export const RESET_COMMENT = [
  '# git-credential-pat setup: an empty helper resets the list, so the helpers',
  '# from lower config scopes are repeated after pat to keep them.',
] as const

/**
 * Helpers from a lower scope run before anything in this file; only a
 * reset can put ours first, and then theirs must be repeated after it.
 */
function resetBlock(inherited: readonly HelperEntry[], ours: string): string[] {
  const block = [...RESET_COMMENT, '[credential]', '\thelper =', ours]
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
  return block
}

/** The file's lines without the removed ones, with the insertions, ending in a newline. */
function render(lines: readonly string[], removed: ReadonlySet<number>, insertAt: ReadonlyMap<number, string[]>): string {
  const out: string[] = []
  for (let n = 0; n <= lines.length; n++) {
    const ins = insertAt.get(n)
    if (ins) out.push(...ins)
    if (n < lines.length && !removed.has(n)) out.push(lines[n])
  }
  const result = out.join('\n')
  return result.endsWith('\n') ? result : result + '\n'
}

const manual = (file: string, why: string) =>
  new PatError('GIT', `cannot safely edit ${file} (${why}); put 'helper = pat' first under [credential] there by hand`)

/** Put pat first in the helper list git builds up to `scope`. Returns what it did, or null if nothing was needed. */
export function ensureHelperFirst(scope: 'global' | 'local', env: NodeJS.ProcessEnv, want?: string): { file: string; notes: string[]; list: string[] } | null {
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
  const plan = planHelperEdit(text, inherited, gitValues, file, want)
  if (plan.text === null) return null
  writeConfigFile(file, plan.text)
  const after = effectiveHelpers(readHelperEntries(env).filter(e => lower.includes(e.scope)))
  if (!after.length || !isOurs(after[0]) || (want !== undefined && after[0] !== want))
    throw new PatError('GIT', `changed ${file}, but git still does not ask pat first; please report this`)
  return { file, notes: plan.notes, list: after }
}
