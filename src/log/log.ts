// Logging (docs/git-credential-pat.md, "Output and logging"): pino's JSON lines in the log file the entry point names
// (statePaths().log), level from
// GIT_CREDENTIAL_PAT_LOG (default info, `silent` for none), and with
// GIT_CREDENTIAL_PAT_TRACE=1 a readable copy of each event on stderr.
//
// Importing pino costs a good share of Node's own start-up, so the
// get/store/erase path never loads it: until usePino() is called (the daemon
// and the management CLI call it), events are written by a few lines below
// in exactly pino's format, with the same redaction (test/log/log.ts holds
// the two to the same bytes but the time, at every level). Both write whole
// lines with O_APPEND, so concurrent processes do not interleave.
import { closeSync, openSync, renameSync, statSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { dirname } from 'node:path'
import type { Logger as PinoLogger } from 'pino'
import { trustDir, trustFile, type PathUse } from '../runtime/trusted-path.js'
import { redactWords } from '../core/redact.js'
import { say } from './stderr.js'

export const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const
export type LevelName = keyof typeof LEVELS

/** Fields whose values are secrets wherever they appear. Log token names as `name`, never `token`. */
export const SECRET_KEYS = ['password', 'secret', 'credential', 'token', 'oauth_refresh_token', 'authorization'] as const
export const REDACT_PATHS = [...SECRET_KEYS, ...SECRET_KEYS.map(k => `*.${k}`)]
export const CENSOR = '[Redacted]'
const SECRET_KEY = new RegExp(`^(${SECRET_KEYS.join('|')})$`, 'i')

/** Rotate (one old generation) past this size; checked when pino is set up. */
const MAX_LOG_BYTES = 10 * 1024 * 1024

interface Config {
  file: string
  /** null: silent. */
  level: number | null
  trace: boolean
}

let config: Config | undefined
let fd: number | undefined
let pinoLogger: PinoLogger | undefined
let pinoDest: { end(): void } | undefined
let host: string | undefined

export function levelFrom(v: string | undefined): number | null {
  const s = (v ?? '').trim().toLowerCase()
  if (s === 'silent' || s === 'off' || s === 'none') return null
  return s in LEVELS ? LEVELS[s as LevelName] : LEVELS.info
}

/**
 * Set the log file and read the level from the environment: once by each
 * entry point (main.ts, the daemon once it has its env), and by tests. Until
 * then nothing is logged.
 */
export function configureLog(env: NodeJS.ProcessEnv, file: string): void {
  closeLog()
  config = { file, level: levelFrom(env.GIT_CREDENTIAL_PAT_LOG), trace: env.GIT_CREDENTIAL_PAT_TRACE === '1' }
}

export function logFile(): string {
  return cfg().file
}

function cfg(): Config {
  return (config ??= { file: '', level: null, trace: false })
}

export function closeLog(): void {
  if (fd !== undefined) {
    try {
      closeSync(fd)
    } catch {
      // already closed
    }
    fd = undefined
  }
  if (pinoLogger) {
    try {
      pinoDest?.end()
    } catch {
      // sync destination: nothing buffered
    }
    pinoLogger = pinoDest = undefined
  }
}

/** Load pino for the rest of this process (daemon, management CLI). */
export async function usePino(): Promise<void> {
  const c = cfg()
  if (c.level === null || pinoLogger) return
  const { default: pino } = await import('pino')
  try {
    logDir(c.file)
    rotateIfLarge(c.file)
    const dest = pino.destination({ dest: c.file, sync: true, mode: 0o600 })
    // Synchronous: a daemon that exits right after logging loses nothing.
    pinoLogger = pino(pinoOptions(levelName(c.level)), dest)
    pinoDest = dest
  } catch {
    // An unwritable log must never stop git: keep the lean writer, which fails quietly.
  }
}

/** pino's options: its own redaction of secret-named fields, as a second layer behind redactFields. */
export function pinoOptions(level: LevelName) {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: CENSOR },
    base: { pid: process.pid, hostname: hostname() },
  }
}

/** The log's directory, made if missing, and the log itself under the one path rule: nothing is written where another user could read or swap it. */
function logDir(file: string): void {
  trustDir(dirname(file), LOG_USE, { create: true })
  trustFile(file, LOG_USE)
}

const LOG_USE: PathUse = { code: 'UNSAFE_PATH', purpose: 'write the log there', fix: 'keep the log in a directory of your own' }

function rotateIfLarge(file: string): void {
  try {
    if (statSync(file).size > MAX_LOG_BYTES) renameSync(file, `${file}.1`)
  } catch {
    // absent: nothing to rotate
  }
}

const levelName = (n: number): LevelName => (Object.keys(LEVELS) as LevelName[]).find(k => LEVELS[k] === n) ?? 'info'

/** Replace secret-named fields at any depth; hide token-looking words in every text field. */
export function redactFields(v: unknown, key = ''): unknown {
  if (SECRET_KEY.test(key)) return CENSOR
  // Any field may hold a value from outside (git's username can be a token given in the URL).
  if (typeof v === 'string') return redactWords(v)
  if (Array.isArray(v)) return v.map(x => redactFields(x))
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) out[k] = redactFields(x, k)
    return out
  }
  return v
}

export type Fields = Record<string, unknown>

export interface Logger {
  trace(fields: Fields, msg: string): void
  debug(fields: Fields, msg: string): void
  info(fields: Fields, msg: string): void
  warn(fields: Fields, msg: string): void
  error(fields: Fields, msg: string): void
  fatal(fields: Fields, msg: string): void
}

export function logger(component: string): Logger {
  const at = (level: LevelName) => (fields: Fields, msg: string) => emit(level, component, fields, msg)
  return { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), fatal: at('fatal') }
}

function emit(level: LevelName, component: string, fields: Fields, msg: string): void {
  const c = cfg()
  const n = LEVELS[level]
  const threshold = c.level ?? LEVELS.info
  if (n < threshold) return
  // Errors never escape: logging must not break git.
  try {
    if (c.level !== null) {
      if (pinoLogger) pinoLogger[level]({ component, ...(redactFields(fields) as Fields) }, msg)
      else leanWrite(c.file, n, component, fields, msg)
    }
  } catch {
    // disk full, read-only home: carry on
  }
  if (c.trace) {
    const rec = { level: n, time: Date.now(), pid: process.pid, component, ...(redactFields(fields) as Fields), msg }
    say(`trace: ${formatEvent(rec, false)}`)
  }
}

function leanWrite(file: string, level: number, component: string, fields: Fields, msg: string): void {
  host ??= hostname()
  const rec = { level, time: Date.now(), pid: process.pid, hostname: host, component, ...(redactFields(fields) as Fields), msg }
  if (fd === undefined) {
    logDir(file)
    rotateIfLarge(file)
    fd = openSync(file, 'a', 0o600)
  }
  writeSync(fd, JSON.stringify(rec) + '\n')
}

const LEVEL_LABEL: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' }
const pad = (n: number, w = 2) => String(n).padStart(w, '0')

/** One readable line for a log record (the `log` command and the stderr trace). */
export function formatEvent(rec: Record<string, unknown>, withDate = true): string {
  const t = new Date(typeof rec.time === 'number' ? rec.time : Date.now())
  const clock = `${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}.${pad(t.getMilliseconds(), 3)}`
  const when = withDate ? `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${clock}` : clock
  const level = LEVEL_LABEL[rec.level as number] ?? String(rec.level)
  const who = `${rec.component ?? '?'}[${rec.pid ?? '?'}]`
  const rest: string[] = []
  for (const [k, v] of Object.entries(rec)) {
    if (['level', 'time', 'pid', 'hostname', 'component', 'msg', 'ms'].includes(k) || v === undefined) continue
    rest.push(`${k}=${show(v)}`)
  }
  const ms = typeof rec.ms === 'number' ? ` (${rec.ms} ms)` : ''
  return `${when} ${level} ${who} ${rec.msg ?? ''}${rest.length ? ' ' + rest.join(' ') : ''}${ms}`
}

function show(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v)
  return JSON.stringify(v)
}

// What one helper request did, gathered along the way (token name, where the
// secret came from, the outcome) and logged once at the end by helper.ts.
const notes: Fields = {}

export function note(fields: Fields): void {
  Object.assign(notes, fields)
}

export function takeNotes(): Fields {
  const out = { ...notes }
  for (const k of Object.keys(notes)) delete notes[k]
  return out
}

/**
 * The one line per helper request: operation, the URL git asked
 * about, the token used, where its secret came from, outcome and duration.
 */
export function logRequest(
  op: string,
  cred: { protocol?: string; host?: string; path?: string; username?: string } | undefined,
  started: number,
  outcome: string,
  err?: unknown,
): void {
  const fields = requestFields(op, cred, { ...takeNotes(), ms: Math.round((performance.now() - started) * 10) / 10 }, outcome, err)
  logger('helper')[err !== undefined ? 'error' : 'info'](fields, 'request')
}

/** The fields of that line; the daemon logs the requests it answers whole with the same ones. */
export function requestFields(
  op: string,
  cred: { protocol?: string; host?: string; path?: string; username?: string } | undefined,
  noted: Fields,
  outcome: string,
  err?: unknown,
): Fields {
  const { ms, ...rest } = noted
  return {
    op,
    url: cred ? `${cred.protocol ?? '?'}://${cred.host ?? ''}${cred.path ? '/' + cred.path : ''}` : undefined,
    username: cred?.username,
    ...rest,
    outcome: err !== undefined ? 'error' : (rest.outcome ?? outcome),
    err: err === undefined ? undefined : err instanceof Error ? err.message : String(err),
    ms,
  }
}
