// `log [--follow]`: the JSON-lines log, one readable line per event.
// Secrets were redacted when the lines were written.
import { closeSync, openSync, readSync, statSync } from 'node:fs'
import type { CommandModule } from 'yargs'
import { formatEvent, logFile } from '../../log/log.js'
import { PatError } from '../../errors.js'
import { out } from '../out.js'
import { say } from '../../log/stderr.js'
import { printableJsonText } from '../../core/terminal-text.js'

interface LogArgs {
  follow?: boolean
  lines?: number
  json?: boolean
  forward?: string
}

export const logCommand: CommandModule<object, LogArgs> = {
  command: 'log',
  describe: 'show the log readably (what git asked, which token answered, from where, how long it took)',
  builder: y =>
    y
      .option('follow', { alias: 'f', type: 'boolean', describe: 'keep printing new events as they come' })
      .option('lines', { alias: 'n', type: 'number', describe: 'only the last N events' })
      .option('json', { type: 'boolean', describe: 'the raw JSON lines' })
      .option('forward', { type: 'string', describe: "only that forward's events: what it answered and refused (docs/forwarding.md)" })
      // yargs turns `-n abc` into NaN and lets `-n -1` through: both once printed nothing and exited 0.
      .check(a => {
        // A bare `-n` leaves the key present but undefined.
        if (a.lines === undefined ? !('lines' in a) : Number.isInteger(a.lines) && a.lines >= 0) return true
        throw new PatError('USAGE', '-n/--lines takes a whole number of events (0 or more)')
      })
      .example('# the last 20 events', '')
      .example('$0 log -n 20', '')
      .example('# more detail for one command', '')
      .example('GIT_CREDENTIAL_PAT_LOG=debug git fetch &&\n$0 log -n 5', '') as never,
  handler: async args => {
    const file = logFile()
    // A JSON line stays valid JSON: what JSON leaves raw is written as \uHHHH.
    const show = (line: string) => (args.json ? printableJsonText(line) : readable(line))
    let size: number
    try {
      size = statSync(file).size
    } catch {
      if (!args.follow) {
        say(`no log yet (${file})`)
        return
      }
      size = 0
    }
    const mine = (line: string) => args.forward === undefined || forwardOf(line) === args.forward
    let lines = size
      ? readRange(file, 0, size)
          .split('\n')
          .filter(l => l && mine(l))
      : []
    if (args.lines !== undefined) lines = args.lines > 0 ? lines.slice(-args.lines) : []
    if (lines.length) out(lines.map(show).join('\n') + '\n')
    if (args.follow) await follow(file, size, line => (mine(line) ? show(line) : ''))
  },
}

function readRange(file: string, from: number, to: number): string {
  const fd = openSync(file, 'r')
  try {
    const buf = Buffer.alloc(to - from)
    let got = 0
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, from + got)
      if (n === 0) break
      got += n
    }
    return buf.subarray(0, got).toString('utf8')
  } finally {
    closeSync(fd)
  }
}

/** Poll for appended lines (the log is rotated by renaming: start over when it shrinks). */
function follow(file: string, from: number, show: (line: string) => string): Promise<void> {
  let pos = from
  let partial = ''
  return new Promise(() => {
    setInterval(() => {
      let size: number
      try {
        size = statSync(file).size
      } catch {
        return
      }
      if (size < pos) pos = 0
      if (size === pos) return
      const text = partial + readRange(file, pos, size)
      pos = size
      const parts = text.split('\n')
      partial = parts.pop() ?? ''
      const shown = parts.filter(Boolean).map(show).filter(Boolean)
      if (shown.length) out(shown.join('\n') + '\n')
    }, 250)
  })
}

/** The forward a log line is about, if any. */
function forwardOf(line: string): string | undefined {
  if (!line.includes('"forward"')) return undefined
  try {
    const f = (JSON.parse(line) as { forward?: unknown }).forward
    return typeof f === 'string' ? f : undefined
  } catch {
    return undefined
  }
}

function readable(line: string): string {
  try {
    const rec = JSON.parse(line)
    if (rec && typeof rec === 'object') return formatEvent(rec)
  } catch {
    // not ours: print as is
  }
  return line
}
