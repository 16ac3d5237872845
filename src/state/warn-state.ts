// Expiry warnings on `get`, the I/O around warn.ts: read git config and the
// rate-limit state only for a token near expiry, say the line, remember it.
// The state is a small JSON file written atomically; if it is lost or
// unreadable, the cost is one extra warning. Nothing here may fail a `get`.
import { readFileSync } from 'node:fs'
import type { TokenRecord } from './tokens.js'
import { statePaths } from './paths.js'
import { makeStateDir, trustStateFile } from './trusted-state.js'
import { autoRotateFor, setting } from '../gitconfig/settings.js'
import { say } from '../log/stderr.js'
import { nearExpiry, inWarnWindow, shouldWarn, warningText, recordWarning, warnConfig, type WarnState } from '../core/warn.js'
import type { WarnInputs } from '../core/answer.js'
import { originOf, parseScope } from '../core/scope.js'

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
    await writeWarnState(file, recordWarning(state, t, now))
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
    await writeWarnState(file, warned)
  } catch {
    // as above
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
  try {
    if (!trustStateFile(file)) return {}
    const data: unknown = JSON.parse(readFileSync(file, 'utf8'))
    const warned = (data as { warned?: unknown })?.warned
    return warned && typeof warned === 'object' ? (warned as WarnState) : {}
  } catch {
    return {}
  }
}

async function writeWarnState(file: string, warned: WarnState): Promise<void> {
  const { dirname } = await import('node:path')
  const { default: writeFileAtomic } = await import('write-file-atomic')
  makeStateDir(dirname(file))
  await writeFileAtomic(file, JSON.stringify({ version: 1, warned }) + '\n', { mode: 0o600 })
}
