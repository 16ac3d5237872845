// The git side: `git-credential-pat get|store|erase` (docs/git-credential-pat.md, "The git side"). Loads only
// what these operations need; the management CLI and yargs stay unloaded.
import { parseCredential, type Credential } from '../core/protocol.js'
import { writeAll } from '../log/stderr.js'
import { get } from './get.js'
import { servesProtocol } from '../core/answer.js'
import { PatError } from '../errors.js'
import { report } from '../log/report.js'
import { configureLog, logRequest } from '../log/log.js'
import type { Context } from '../state/context.js'
import { useDaemon } from '../state/daemon-link.js'
import { useKeychain } from '../state/keychain-account.js'
import { daemonLink } from '../daemon/client/client.js'
import type { EraseDeps } from './erase.js'
import { readStdin, type Operation } from './input.js'

/**
 * Write git's answer straight to fd 1: setting up process.stdout (a pipe
 * socket under git) is costly on every request.
 */
function writeOut(text: string): void {
  writeAll(1, text)
}

/** One request as git sent it on stdin (or as main.ts already read it), in the process's context. */
export async function runHelper(op: Operation, ctx: Context, input?: Buffer): Promise<number> {
  const started = performance.now()
  const { env } = ctx
  configureLog(env, ctx.paths.log)
  useDaemon(daemonLink, env)
  useKeychain(ctx.keychain)
  let outcome = 'done'
  let failure: unknown
  let cred: Credential
  try {
    cred = parseCredential(input ?? readStdin())
  } catch (e) {
    logRequest(op, undefined, started, 'malformed', e)
    return report(e)
  }
  try {
    if (!servesProtocol(cred)) {
      outcome = 'not http'
      return 0
    }
    if (op === 'get') {
      const answer = await get(cred, { env, now: ctx.now() })
      writeOut(answer)
      outcome = answer ? 'answered' : 'none'
    } else if (op === 'store') {
      await (await import('./store.js')).store(cred, { env, now: ctx.now() })
    } else {
      // The forge is asked, within a few seconds, whether an added token still works.
      const stillValid: EraseDeps['stillValid'] = async (t, secret) => (await import('../forge/still-valid.js')).stillValid(t, secret, env, ctx.now())
      await (await import('./erase.js')).erase(cred, { stillValid, env, now: ctx.now() })
    }
    return 0
  } catch (e) {
    failure = e
    const code = report(e)
    // An unreadable metadata file is reported, and a get still exits 0 so git
    // falls through to its next helper or prompt.
    return op === 'get' && e instanceof PatError && e.code === 'METADATA' ? 0 : code
  } finally {
    logRequest(op, cred, started, outcome, failure)
  }
}
