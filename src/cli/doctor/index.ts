// `doctor`: find what stops git from getting tokens, and say how to fix each
// thing (SPEC §5). Never prints a secret; exit 0 only when all is well. One
// check per file here; this runs them in the order they are shown.
import { warnDays } from '../commands/lookup.js'
import { allWell, type Check } from './check.js'
import { checkBinary } from './binary.js'
import { checkRuntime } from './runtime.js'
import { checkMetadata } from './metadata.js'
import { checkHelpers } from './helpers.js'
import { checkUseHttpPath } from './use-http-path.js'
import { probeKeychain } from './keychain.js'
import { checkConsistency } from './consistency.js'
import { checkExpiry } from './expiry.js'
import { checkRejected } from './rejected.js'
import { daemonCheck } from './daemon.js'
import { renderChecks } from './render.js'

export async function runChecks(env: NodeJS.ProcessEnv = process.env, now = new Date()): Promise<Check[]> {
  const checks: Check[] = []
  checks.push(checkBinary(env))
  checks.push(checkRuntime(env))
  // Read first, shown after the keychain: the git config checks need the tokens.
  const { tokens, check: metaCheck } = checkMetadata(env)
  const live = (tokens ?? []).filter(t => t.state !== 'disabled')
  checks.push(...checkHelpers(live, env))
  checks.push(checkUseHttpPath(live, env))
  const probe = await probeKeychain()
  checks.push(probe)
  checks.push(metaCheck)
  checks.push(...(await checkConsistency(tokens, probe.status !== 'fail', env)))
  checks.push(checkExpiry(live, now, warnDays(env)))
  checks.push(checkRejected(tokens ?? []))
  checks.push(await daemonCheck(env))
  return checks
}

/** The report (JSON or text) and whether all is well. */
export async function runDoctor(json: boolean, env: NodeJS.ProcessEnv = process.env): Promise<{ output: string; ok: boolean }> {
  const checks = await runChecks(env)
  const ok = allWell(checks)
  return { ok, output: json ? JSON.stringify({ ok, checks }, null, 2) + '\n' : renderChecks(checks) }
}
