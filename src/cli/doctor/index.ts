// `doctor`: find what stops git from getting tokens, and say how to fix each
// thing. Never prints a secret; exit 1 only when a check failed
// (warnings are said, exit 0). One
// check per file here; this runs them in the order they are shown.
import { warnDays } from '../commands/lookup.js'
import { allWell, noneFailed, type Check } from './check.js'
import { checkBinary } from './binary.js'
import { checkRuntime } from './runtime.js'
import { checkMetadata } from './metadata.js'
import { checkHelpers } from './helpers.js'
import { checkUseHttpPath } from './use-http-path.js'
import { probeKeychain } from './keychain.js'
import { checkConsistency } from './consistency.js'
import { checkExpiry } from './expiry.js'
import { checkRejected } from './rejected.js'
import { checkAwaiting } from './awaiting.js'
import { daemonCheck } from './daemon.js'
import { renderChecks } from './render.js'
import { printableJson } from '../../core/terminal-text.js'
import { useColour } from '../table.js'

export async function runChecks(env: NodeJS.ProcessEnv, now: Date): Promise<Check[]> {
  const checks: Check[] = []
  checks.push(checkBinary(env))
  checks.push(checkRuntime(env))
  // Read first, shown after the keychain: the git config checks need the tokens.
  const { tokens, check: metaCheck } = checkMetadata(env)
  const live = (tokens ?? []).filter(t => t.state !== 'disabled')
  checks.push(...checkHelpers(live, env))
  checks.push(checkUseHttpPath(live, env))
  // Needed unless every token's secret lives elsewhere; with none yet (or
  // unreadable metadata) the next add would use it.
  const probe = await probeKeychain(env, !tokens?.length || tokens.some(t => t.source === 'keychain' || t.hasRefreshToken))
  checks.push(probe)
  checks.push(metaCheck)
  checks.push(...(await checkConsistency(tokens, probe.status === 'ok' || probe.status === 'warn', env)))
  checks.push(checkExpiry(live, now, warnDays(env)))
  checks.push(checkRejected(tokens ?? []))
  checks.push(checkAwaiting(tokens ?? []))
  checks.push(await daemonCheck(env))
  return checks
}

/** The report (JSON or text) and whether nothing failed (`ok` in the JSON: all is well). */
export async function runDoctor(json: boolean, env: NodeJS.ProcessEnv, now: Date): Promise<{ output: string; ok: boolean }> {
  const checks = await runChecks(env, now)
  return { ok: noneFailed(checks), output: json ? printableJson({ ok: allWell(checks), checks }) + '\n' : renderChecks(checks, useColour(process.stdout, env)) }
}
