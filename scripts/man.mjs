#!/usr/bin/env node
// Build the man page, dist/man/git-credential-pat.1, run by
// `npm run build` after tsc. `git credential-pat --help` makes git run
// `man git-credential-pat` (git help: "git <cmd> --help" is "git help <cmd>"),
// so install.sh links this page where man finds it.
//
// Nothing here is written twice: each command's text is its own `--help`,
// rendered by the CLI's yargs definitions (the COMMAND_NAMES list of
// src/cli/cli.ts, so a new command appears by itself and a command missing
// from the page fails the build); configuration keys, environment variables
// and files are the tables of docs/git-credential-pat.md; exit codes come
// from src/errors.ts's code list and its outcome() map.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'

const root = fileURLToPath(new URL('..', import.meta.url))
const NAME = 'git-credential-pat'

/** Characters the docs and help use, as plain ASCII: man in a POSIX locale has no glyph for them. */
const ASCII = {
  '\u2026': '...',
  '\u2265': '>=',
  '\u2264': '<=',
  '\u2192': '->',
  '\u2190': '<-',
  '\u2014': '--',
  '\u2013': '-',
  '\u2018': "'",
  '\u2019': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u00a0': ' ',
  '\u00d7': 'x',
}

/** Text for roff: ASCII only, backslashes escaped, minus signs as \-, no line starting a request. */
export function roff(text) {
  const ascii = text.replace(/[^\x00-\x7f]/g, c => {
    if (ASCII[c] !== undefined) return ASCII[c]
    throw new Error(`no ASCII form for ${JSON.stringify(c)} (U+${c.codePointAt(0).toString(16)}): add it to ASCII in scripts/man.mjs`)
  })
  return ascii
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .split('\n')
    .map(l => (/^[.']/.test(l) ? `\\&${l}` : l))
    .join('\n')
}

/** Markdown inline text (`code`, **bold**, escaped pipes) for roff. */
export function inline(md) {
  return roff(md.replace(/\\\|/g, '|'))
    .replace(/`([^`]+)`/g, '\\fB$1\\fR')
    .replace(/\*\*([^*]+)\*\*/g, '\\fB$1\\fR')
}

/** The lines of a `## Title` section of a markdown text. */
export function mdSection(md, title) {
  const lines = md.split('\n')
  const start = lines.findIndex(l => l.trim() === `## ${title}`)
  if (start < 0) throw new Error(`docs/git-credential-pat.md has no "## ${title}" section`)
  const end = lines.findIndex((l, i) => i > start && /^## /.test(l))
  return lines.slice(start + 1, end < 0 ? lines.length : end)
}

/** The rows of the first table in those lines, as [first cell, second cell]. */
export function mdTable(lines) {
  const rows = lines
    .filter(l => /^\|/.test(l.trim()))
    .map(l =>
      l
        .trim()
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map(c => c.trim()),
    )
  return rows.slice(2) // header and --- line
}

/** Bullet items (`- …`, continued on indented lines) in those lines. */
export function mdBullets(lines) {
  const items = []
  for (const l of lines) {
    if (/^- /.test(l)) items.push(l.slice(2).trim())
    else if (/^\s+\S/.test(l) && items.length) items[items.length - 1] += ' ' + l.trim()
  }
  return items
}

/** ErrorCode members of src/errors.ts with their comments: [['USAGE', 'wrong arguments or flags'], …]. */
export function errorCodes(source) {
  return [...source.matchAll(/^\s*\|\s*'([A-Z_]+)'\s*\/\/\s*(.*)$/gm)].map(m => [m[1], m[2].trim()])
}

/** The context the CLI renders its help in (this process's). */
let ctx

/** One command's --help, as rendered by the CLI itself (yargs prints help with console.log). */
async function helpOf(runCli, args) {
  const out = []
  const log = console.log
  console.log = (...a) => void out.push(a.join(' '))
  let code
  try {
    code = await runCli([...args, '--help'], ctx)
  } finally {
    console.log = log
  }
  if (code !== 0) throw new Error(`${NAME} ${args.join(' ')} --help exited ${code}`)
  return out.join('\n').replace(/\s+$/, '')
}

/** The commands a help text lists under "Commands:" (`git-credential-pat daemon start …` → 'start'). */
export function listedCommands(help, prefix) {
  const m = /\nCommands:\n([\s\S]*?)(\n\n|$)/.exec(help)
  if (!m) return []
  const re = new RegExp(`^\\s+${prefix.replace(/[-]/g, '\\-')} ([a-z][a-z-]*)`)
  return m[1]
    .split('\n')
    .map(l => re.exec(l)?.[1])
    .filter(Boolean)
}

/** The example lines of a help text (after "Examples:", up to a blank line). */
export function exampleLines(help) {
  const m = /\nExamples:\n([\s\S]*?)(\n\n|$)/.exec(help)
  return m ? m[1].split('\n') : []
}

/**
 * Examples are command lines to copy: on the page (72 columns) none may be
 * wrapped by yargs, which would cut a command into lines that look like two.
 * Rendered 100 wide, each line must already fit the page with yargs's padding; a long one is
 * split in the source with `\\` and a newline.
 */
async function examplesFit(runCli, args) {
  Object.defineProperty(process.stdout, 'columns', { value: 100, configurable: true })
  const long = exampleLines(await helpOf(runCli, args)).filter(l => l.length > 68)
  Object.defineProperty(process.stdout, 'columns', { value: 70, configurable: true })
  if (long.length) throw new Error(`${NAME} ${args.join(' ')}: example too wide for the man page, split it: ${long[0].trim()}`)
}

const block = text => `.PP\n.nf\n${roff(text)}\n.fi`

export async function renderPage() {
  // yargs wraps help at the terminal's width (cli.ts: at most 100); man
  // indents by 7, so 70 keeps the page within 80 columns (yargs may overrun its width by a column or two).
  Object.defineProperty(process.stdout, 'columns', { value: 70, configurable: true })
  const { runCli, COMMAND_NAMES } = await import(join(root, 'dist/cli/cli.js'))
  ctx = (await import(join(root, 'dist/state/context.js'))).processContext()
  const { outcome } = await import(join(root, 'dist/errors.js'))
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const docs = readFileSync(join(root, 'docs/git-credential-pat.md'), 'utf8')
  const errors = readFileSync(join(root, 'src/errors.ts'), 'utf8')

  const top = await helpOf(runCli, [])
  // yargs's own `help` is not a command of ours; every other name must have its section.
  const names = COMMAND_NAMES.filter(n => n !== 'help')
  const listed = listedCommands(top, NAME)
  const missing = names.filter(n => !listed.includes(n))
  if (missing.length) throw new Error(`--help does not list: ${missing.join(', ')}`)

  const out = [
    `.TH GIT\\-CREDENTIAL\\-PAT 1 "" "${NAME} ${pkg.version}" "${NAME} manual"`,
    // No hyphenation and ragged right: names, keys and variables stay whole.
    '.nh',
    '.ad l',
    '.SH NAME',
    `${roff(NAME)} \\- ${roff(pkg.description.replace(/^A /, 'a ').replace(/\.$/, ''))}`,
    '.SH SYNOPSIS',
    '.nf',
    `\\fBgit config \\-\\-global credential.helper pat\\fR`,
    `\\fB${roff(NAME)}\\fR \\fIcommand\\fR [\\fIoptions\\fR]`,
    `\\fBgit credential\\-pat\\fR \\fIcommand\\fR [\\fIoptions\\fR]`,
    '.fi',
    '.SH DESCRIPTION',
    'git runs it as a credential helper (\\fBget\\fR, \\fBstore\\fR, \\fBerase\\fR; see \\fBgitcredentials\\fR(7)) and it answers with the',
    'personal access token that fits the URL best: one for a repository, a group or a whole host, from the keychain,',
    'with expiry warnings. The commands below manage the tokens; \\fBgit credential\\-pat\\fR \\fIcommand\\fR is the same.',
    'Every command takes \\fB\\-\\-help\\fR; this page holds the same text.',
    block(top),
    '.SH COMMANDS',
  ]
  for (const n of listed) {
    await examplesFit(runCli, [n])
    const help = await helpOf(runCli, [n])
    out.push(`.SS "${roff(`${NAME} ${n}`)}"`, block(help))
    // Subcommands (daemon start|stop|…) have their own options.
    for (const sub of listedCommands(help, `${NAME} ${n}`)) {
      out.push(`.SS "${roff(`${NAME} ${n} ${sub}`)}"`, block(await helpOf(runCli, [n, sub])))
    }
  }
  const table = rows => rows.flatMap(([k, v]) => ['.TP', inline(k), inline(v)])
  out.push('.SH CONFIGURATION', 'Read with \\fBgit config\\fR (all scopes, includes and \\fB\\-c\\fR apply).')
  out.push(...table(mdTable(mdSection(docs, 'Configuration'))))
  out.push('.SH ENVIRONMENT', ...table(mdTable(mdSection(docs, 'Environment'))))
  out.push('.SH FILES', ...mdBullets(mdSection(docs, 'Files')).flatMap(b => ['.IP \\(bu 2', inline(b.replace(/;$|\.$/, ''))]))
  out.push('.SH EXIT STATUS', '.TP', '0', 'success')
  const byExit = new Map()
  for (const [code, what] of errorCodes(errors)) {
    const exit = outcome(code).exitCode
    byExit.set(exit, [...(byExit.get(exit) ?? []), `${what} (${code})`])
  }
  for (const [exit, whats] of [...byExit].sort((a, b) => a[0] - b[0])) {
    const kind = exit === 2 ? 'a usage error: ' : exit === 1 ? 'a failure you can fix; the one line on stderr says how: ' : ''
    out.push('.TP', String(exit), roff(kind + whats.join('; ')))
  }
  out.push('.TP', '130', 'interrupted (Ctrl\\-C at a question): the terminal is restored and nothing is saved')
  out.push(
    '.SH LEAVING',
    '\\fB' + roff(NAME) + ' setup \\-\\-unset\\fR removes the helper entries and the \\fBuseHttpPath\\fR entries it added',
    'from your git config; \\fB./install.sh \\-\\-uninstall\\fR in the checkout also stops the daemon and removes the',
    'links, this page and the completions, keeping the tokens unless \\fB\\-\\-purge\\fR is given.',
    '.SH SEE ALSO',
    '\\fBgitcredentials\\fR(7), \\fBgit\\-credential\\fR(1), \\fBgit\\-config\\fR(1)',
  )
  return out.join('\n') + '\n'
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const page = await renderPage()
  const dir = join(root, 'dist', 'man')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${NAME}.1`)
  // Renamed into place: a `man` reading it during a rebuild sees a whole page.
  writeFileSync(`${file}.tmp`, page)
  renameSync(`${file}.tmp`, file)
  process.exit(0) // the CLI's modules may hold handles (the keychain) open
}
