// Expiry warnings on `get`, the I/O around warn.ts: read git config and the
// rate-limit state only for a token near expiry, say the line, remember it.
// The same file rate-limits the keychain's trouble on `get` (a headless
// session without D-Bus would otherwise hear it on every git command): once
// per reason per warnInterval. The state is a small JSON file written
// atomically; if it is lost or unreadable, the cost is one extra warning.
// Nothing here may fail a `get`.
import { readFileSync } from 'node:fs'
import type { TokenRecord } from './tokens.js'
import { statePaths } from './paths.js'
import { makeStateDir, trustStateFile } from './trusted-state.js'
import { autoRotateFor, setting } from '../gitconfig/settings.js'
import { say } from '../log/stderr.js'
import { nearExpiry, inWarnWindow, shouldWarn, warningText, recordWarning, warnConfig, type WarnState } from '../core/warn.js'
import type { WarnInputs } from '../core/answer.js'
import { originOf, parseScope } from '../core/scope.js'

/** When each reason (the message, which never holds a secret) was last said. */
export type SaidState = Record<string, string>

export interface WarnDeps {
  /** credential.pat.* values, keys lower case (default: git config through settings.ts: one spawn per process). */
  config?: (env: NodeJS.ProcessEnv) => ReadonlyMap<string, string>
  /** Where the line goes (default: stderr with the prefix). */
  say?: (message: string) => void
}

/** Warn about the token `get` is about to send, if it is time to. */
export async function warnOnGet(t: TokenRecord, now: Date, env: NodeJS.ProcessEnv, deps: WarnDeps = {}): Promise<void> {
  try {
    if (!nearExpiry(t, now)) return
    const cfg = warnConfig((deps.config ?? gitSettings)(env))
    if (!inWarnWindow(t, now, cfg)) return
    const file = statePaths(env).warnState
    const state = readWarnState(file)
    if (!shouldWarn(t, now, cfg, state[t.name])) return
    ;(deps.say ?? say)(warningText(t, now))
    await writeWarnState(file, recordWarning(state, t, now), readSaidState(file))
  } catch {
    // A warning must never cost the user their credential.
  }
}

/**
 * What get's decision needs to warn about a token near expiry
 * (core/answer-get.ts): whether credential.pat.autoRotate takes it, else
 * the warning settings and state. null when they cannot be read: no warning.
 */
export function warnInputs(t: TokenRecord, env: NodeJS.ProcessEnv): WarnInputs | null {
  try {
    if (autoRotateFor(originOf(parseScope(t.scope)), env)) return { autoRotate: true }
    return { autoRotate: false, cfg: warnConfig(gitSettings(env)), state: readWarnState(statePaths(env).warnState) }
  } catch {
    return null // a warning must never cost the user their credential
  }
}

/** Remember a warning said; losing it costs one more warning, never the credential. */
export async function saveWarnState(file: string, warned: WarnState): Promise<void> {
  try {
    await writeWarnState(file, warned, readSaidState(file))
  } catch {
    // as above
  }
}

/**
 * Say `text` unless the same `reason` was said within warnInterval (default
 * a day), and remember it. Returns whether it was said. Never throws.
 */
export async function sayOncePerInterval(reason: string, text: string, now: Date, env: NodeJS.ProcessEnv, deps: WarnDeps = {}): Promise<boolean> {
  try {
    const file = statePaths(env).warnState
    const said = readSaidState(file)
    const last = Date.parse(said[reason] ?? '')
    const since = now.getTime() - last
    // A time "in the future" (the clock moved back) does not silence us.
    if (since >= 0 && since < warnConfig((deps.config ?? gitSettings)(env)).intervalMs) return false
    ;(deps.say ?? say)(text)
    const kept: SaidState = {}
    // Reasons not met for a week are dropped, so the file stays small.
    for (const [k, at] of Object.entries(said)) if (now.getTime() - Date.parse(at) < 7 * 86_400_000) kept[k] = at
    kept[reason] = now.toISOString()
    await writeWarnState(file, readWarnState(file), kept)
    return true
  } catch {
    return false
  }
}

function gitSettings(env: NodeJS.ProcessEnv): Map<string, string> {
  const m = new Map<string, string>()
  for (const key of ['credential.pat.warnDays', 'credential.pat.warnInterval']) {
    const v = setting(key, env)
    if (v !== undefined) m.set(key.toLowerCase(), v)
  }
  return m
}

export function readWarnState(file: string): WarnState {
  return part(file, 'warned') as WarnState
}

/** When each keychain trouble was last said on `get` (doctor shows it too). */
export function readSaidState(file: string): SaidState {
  const said = part(file, 'said') as Record<string, unknown>
  return Object.fromEntries(Object.entries(said).filter((e): e is [string, string] => typeof e[1] === 'string'))
}

function part(file: string, key: 'warned' | 'said'): object {
  try {
    if (!trustStateFile(file)) return {}
    const data: unknown = JSON.parse(readFileSync(file, 'utf8'))
    const v = (data as Record<string, unknown>)?.[key]
    return v && typeof v === 'object' ? v : {}
  } catch {
    return {}
  }
}

async function writeWarnState(file: string, warned: WarnState, said: SaidState): Promise<void> {
  const { dirname } = await import('node:path')
  const { default: writeFileAtomic } = await import('write-file-atomic')
  makeStateDir(dirname(file))
  const data = Object.keys(said).length ? { version: 1, warned, said } : { version: 1, warned }
  await writeFileAtomic(file, JSON.stringify(data) + '\n', { mode: 0o600 })
}
