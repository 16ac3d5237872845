// The git side: `git-credential-pat get|store|erase` (docs/git-credential-pat.md, "The git side"). Loads only
// what these operations need; the management CLI and yargs stay unloaded.
import { parseCredential, type Credential } from '../core/protocol.js'
import { writeAll } from '../log/stderr.js'
import { get } from './get.js'
import { servesProtocol } from '../core/answer.js'
import { PatError } from '../errors.js'
import { report } from '../log/report.js'
import { configureLog, logRequest, note } from '../log/log.js'
import type { Context } from '../state/context.js'
import { useDaemon } from '../state/daemon-link.js'
import { useKeychain } from '../state/keychain-account.js'
import { daemonLink } from '../daemon/client/client.js'
import type { EraseDeps } from './erase.js'
import { readStdin, type Operation } from './input.js'
import { forwardWhere } from './forward-where.js'
import { configMayName } from '../gitconfig/may-name.js'
import type { ForwardResult } from './forward-ask.js'

/**
 * Write git's answer straight to fd 1: setting up process.stdout (a pipe
 * socket under git) is costly on every request.
 */
function writeOut(text: string): void {
  writeAll(1, text)
}

/**
 * git config `credential.pat.forward`, when neither the environment nor the
 * default path named a forward (main.ts asked those already): read here, on
 * the path that reads the records anyway, not on every get.
 */
async function forwardFromConfig(
  op: Operation,
  input: Buffer,
  cred: Credential,
  env: NodeJS.ProcessEnv,
): Promise<{ path: string; result: ForwardResult } | null> {
  if (env.GIT_CREDENTIAL_PAT_FORWARD !== undefined || forwardWhere(env)) return null
  // Only where a config file could name it: `git config` on every request would cost a process each time.
  if (!configMayName('forward', env, process.cwd())) return null
  const setting = (await import('../gitconfig/settings.js')).setting('credential.pat.forward', env)
  if (!setting) return null
  const { answeredByForward } = await import('./forward-ask.js')
  const path = expandHome(setting, env)
  const result = await answeredByForward(op, input, { path, by: 'config' }, env)
  if (result === 'answered') note({ via: 'forward', url: `${cred.protocol}://${cred.host ?? ''}` })
  return { path, result }
}

const expandHome = (p: string, env: NodeJS.ProcessEnv) => (p.startsWith('~/') && env.HOME ? env.HOME + p.slice(1) : p)

/**
 * One request as git sent it on stdin (or as main.ts already read it), in
 * the process's context. `forwardGone`: the forward main.ts asked, which did
 * not answer (a store then saves nothing new).
 */
export async function runHelper(op: Operation, ctx: Context, input?: Buffer, forwardGone?: string): Promise<number> {
  const started = performance.now()
  const { env } = ctx
  configureLog(env, ctx.paths.log)
  useDaemon(daemonLink, env)
  useKeychain(ctx.keychain)
  let outcome = 'done'
  let failure: unknown
  let cred: Credential
  let raw: Buffer = Buffer.alloc(0)
  try {
    raw = input ?? readStdin()
    cred = parseCredential(raw)
  } catch (e) {
    logRequest(op, undefined, started, 'malformed', e)
    return report(e)
  }
  try {
    if (!servesProtocol(cred)) {
      outcome = 'not http'
      return 0
    }
    const fromConfig = await forwardFromConfig(op, raw, cred, env)
    if (fromConfig?.result === 'answered') {
      outcome = 'forwarded'
      return 0
    }
    if (fromConfig?.result === 'gone') forwardGone = fromConfig.path
    if (op === 'get') {
      const answer = await get(cred, { env, now: ctx.now() })
      writeOut(answer)
      outcome = answer ? 'answered' : 'none'
    } else if (op === 'store') {
      await (await import('./store.js')).store(cred, { env, now: ctx.now(), forwardGone })
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
