// erase's question to the forge: before git's refusal rejects a
// token, a token the forge still accepts is kept.
import type { TokenRecord } from '../state/tokens.js'
import { note } from '../log/log.js'
import { hasTokenApi } from './api.js'
import { askForge } from './ask.js'
import { recordReport } from './record.js'
import { eraseTimeoutMs } from './timeouts.js'

/**
 * The `erase` hook: whether the forge, asked within a few seconds, says the
 * token still works. What it learns is recorded on the token either way.
 */
export async function stillValid(t: TokenRecord, secret: string, env: NodeJS.ProcessEnv, now: Date): Promise<boolean> {
  if (!hasTokenApi(t)) return false
  const r = await askForge(t, secret, { env, timeoutMs: eraseTimeoutMs(env), now })
  recordReport(t, r, now)
  note({ forge: r.verdict, forgeSays: r.message }) // on erase's log line
  return r.verdict === 'valid'
}
