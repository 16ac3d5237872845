// A git config file as text: read it the way git's config.c does (setup
// edits the file itself, see helper-edit.ts), and write values back as
// `git config` would.

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

/** A subsection name in a `[section "sub"]` header. */
export const quoteSub = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`

/** Header lines whose sections had entries removed and have nothing left but blank lines. */
export function emptiedHeaders(lines: readonly string[], scanned: readonly ScannedEntry[], removed: ReadonlySet<number>): number[] {
  const inEntry = new Set<number>()
  for (const e of scanned) for (let l = e.start; l <= e.end; l++) inEntry.add(l)
  const headers = lines.map((l, n) => (!inEntry.has(n) && /^\s*\[/.test(l) ? n : -1)).filter(n => n >= 0)
  const out: number[] = []
  headers.forEach((h, i) => {
    const end = i + 1 < headers.length ? headers[i + 1] : lines.length
    let lost = false
    let left = false
    for (let n = h + 1; n < end; n++) {
      if (removed.has(n)) lost = true
      else if (lines[n].trim()) left = true
    }
    if (lost && !left) out.push(h)
  })
  return out
}
