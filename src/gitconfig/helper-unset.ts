// `setup --unset`: take out of one git config file what setup (and add)
// put there, and nothing else (docs/git-credential-pat.md, "Leaving"). Edited as text with git's
// lock protocol, as setup's other edits (helper-edit.ts).
//
// What goes:
// - every credential.helper / credential.<url>.helper entry that runs this
//   program (isOurs): once the program is gone git would fail to run it;
// - the reset block setup writes when a lower scope has helpers (known by
//   its comment, RESET_COMMENT): its empty `helper =` and the copies of the
//   lower-scope helpers after it, but only when those copies are still
//   exactly what the lower scopes hold, so the list git builds is the same
//   as before minus pat; otherwise the block stays (it keeps that list);
// - credential.<url>.useHttpPath entries set to true where <url> is exactly
//   an origin (scheme://host[:port]) whose entry this program set in this
//   file (setup, add, import and the prompt record each one:
//   state/config-record.ts), whether or not a token still needs it. The
//   plain credential.useHttpPath, entries it did not record, with a path, or
//   not true, are never touched: they may be the user's; each one removed
//   is named with the command that puts it back.
// Section headers left empty by the removal go too.
import { effectiveHelpers, isOurs, type HelperEntry } from './helper-list.js'
import { emptiedHeaders, scanConfig, type ScannedEntry } from './config-text.js'
import { RESET_COMMENT } from './helper-edit.js'
import { parseBool } from './settings.js'
import { PatError } from '../errors.js'

export interface UnsetPlan {
  /** New file text, or null when nothing of ours is in the file. */
  text: string | null
  /** What was removed, one line each, for the user. */
  removed: string[]
  notes: string[]
}

/** `scheme://host[:port]` as URL compares it, or null when the URL has more (a path, a user). */
export function normOrigin(url: string): string | null {
  try {
    const u = new URL(url)
    if (u.username || u.password || u.search || u.hash || (u.pathname !== '/' && u.pathname !== '')) return null
    return `${u.protocol}//${u.host}`.toLowerCase()
  } catch {
    return null
  }
}

/**
 * Plan the removal from one file. `inherited`: the helper entries git reads
 * before this file; `origins`: normOrigin of each origin whose useHttpPath
 * this program set in this file, with a note on each (when it was set).
 */
export function planHelperUnset(text: string, inherited: readonly HelperEntry[], origins: ReadonlyMap<string, string[]>, fileLabel: string): UnsetPlan {
  let scanned: ScannedEntry[]
  try {
    scanned = scanConfig(text)
  } catch (e) {
    throw manual(fileLabel, (e as Error).message)
  }
  const lines = text.split('\n')
  const isHelper = (e: ScannedEntry) => e.section === 'credential' && e.key === 'helper'
  const ours = scanned.filter(e => isHelper(e) && e.value !== null && isOurs(e.value))
  const paths = scanned.filter(
    e =>
      e.section === 'credential' &&
      e.key === 'usehttppath' &&
      e.sub !== undefined &&
      parseBool(e.value ?? 'true') === true &&
      origins.has(normOrigin(e.sub) ?? ''),
  )
  if ([...ours, ...paths].some(e => e.onHeader)) throw manual(fileLabel, 'an entry shares a line with its section header')
  const urls = [...new Set([...inherited.map(e => e.url), ...scanned.filter(isHelper).map(e => e.sub)])].filter((x): x is string => x !== undefined).sort()
  const before = helperLists(inherited, scanned.filter(isHelper), urls)
  const expected = before.map(l => l.filter(v => !isOurs(v)))

  const block = resetBlock(scanned, lines, inherited, new Set(ours))
  const notes: string[] = []
  let drop = new Set([...ours, ...paths, ...(block?.entries ?? [])])
  let comments = block?.comments ?? []
  const same = (d: Set<ScannedEntry>) =>
    JSON.stringify(
      helperLists(
        inherited,
        scanned.filter(e => isHelper(e) && !d.has(e)),
        urls,
      ),
    ) === JSON.stringify(expected)
  if (block && !same(drop)) {
    drop = new Set([...ours, ...paths])
    comments = []
  }
  if (!same(drop)) throw manual(fileLabel, 'removing pat would change the other helpers git runs')
  const keptBlock = scanned.some(
    e => isHelper(e) && e.value === '' && lines[e.start - RESET_COMMENT.length - 1]?.trimEnd() === RESET_COMMENT[0] && !drop.has(e),
  )
  if (keptBlock) notes.push(`kept the reset block setup wrote in ${fileLabel}: the helpers after it differ from those of the lower config scopes now`)
  if (!drop.size) return { text: null, removed: [], notes }

  const removedLines = new Set<number>(comments)
  for (const e of drop) for (let l = e.start; l <= e.end; l++) removedLines.add(l)
  for (const h of emptiedHeaders(lines, scanned, removedLines)) removedLines.add(h)
  const out = lines.filter((_, n) => !removedLines.has(n)).join('\n')
  const removed = [
    ...ours.map(e => `${e.sub === undefined ? 'credential.helper' : `credential.${e.sub}.helper`} '${e.value}'`),
    ...(block && drop.has(block.entries[0]) ? [`the reset block setup wrote (the helpers of the lower scopes apply as before)`] : []),
    ...paths.map(e => `credential.${e.sub}.useHttpPath=true (${origins.get(normOrigin(e.sub!)!)!.join('; ')})`),
  ]
  return { text: out.endsWith('\n') || out === '' ? out : out + '\n', removed, notes }
}

/** The helper lists git builds, for any URL and for each of `urls`. */
function helperLists(inherited: readonly HelperEntry[], own: readonly ScannedEntry[], urls: readonly string[]): string[][] {
  const entries: HelperEntry[] = [...inherited, ...own.filter(e => e.value !== null).map(e => ({ scope: 'this', url: e.sub, value: e.value! }))]
  return [effectiveHelpers(entries.filter(e => e.url === undefined)), ...urls.map(u => effectiveHelpers(entries, u))]
}

/**
 * setup's reset block (helper-edit.ts resetBlock): the two comment lines,
 * `[credential]`, `helper =`, pat, then the lower-scope helpers repeated.
 * Returns its reset entry and those repeated entries, if they still match.
 */
function resetBlock(scanned: readonly ScannedEntry[], lines: readonly string[], inherited: readonly HelperEntry[], ours: ReadonlySet<ScannedEntry>) {
  const at = lines.findIndex((l, n) => l.trimEnd() === RESET_COMMENT[0] && lines[n + 1]?.trimEnd() === RESET_COMMENT[1])
  if (at < 0) return null
  const k = scanned.findIndex(e => e.start === at + 3 && e.section === 'credential' && e.sub === undefined && e.key === 'helper' && e.value === '')
  if (k < 0) return null
  let lastReset = -1
  inherited.forEach((e, n) => {
    if (e.url === undefined && e.value === '') lastReset = n
  })
  const want = inherited.slice(lastReset + 1).filter(e => !(e.url === undefined && isOurs(e.value)))
  const after = scanned.slice(k + 1).filter(e => !ours.has(e))
  const copies = after.slice(0, want.length)
  const match =
    copies.length === want.length &&
    copies.every((e, n) => e.section === 'credential' && e.key === 'helper' && e.sub === want[n].url && e.value === want[n].value)
  if (!match) return null
  return { entries: [scanned[k], ...copies], comments: [at, at + 1] }
}

const manual = (file: string, why: string) =>
  new PatError(
    'GIT',
    `cannot safely edit ${file} (${why}); remove its 'helper = pat' entries by hand (git config --file ${file} --unset-all credential.helper)`,
  )
