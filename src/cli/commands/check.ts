// `check [NAME…]`: ask each token's forge (GitLab, Heptapod, GitHub,
// Gitea/Forgejo: forge/ask.ts) whether it still works, until when,
// with which scopes and as whom, record that on the token, and
// print a table or --json. A token the forge refuses is marked rejected, as
// `erase` would after a 401. Exit 1 when a token is dead or the forge could
// not be reached; "the forge does not say" is not a failure.
import type { CommandModule } from 'yargs'
import { withExitCode } from '../exit-code.js'
import { readMetadata, updateMetadata, type TokenRecord } from '../../state/tokens.js'
import { byName as lookUp, warnDays } from './lookup.js'
import { statePaths } from '../../state/paths.js'
import { readSecret } from '../../state/sources/index.js'
import { askForge } from '../../forge/ask.js'
import { hasTokenApi } from '../../forge/api.js'
import { checkTimeoutMs } from '../../forge/timeouts.js'
import { recordReport } from '../../forge/record.js'
import { DEAD, type ForgeReport, type Verdict } from '../../forge/report.js'
import { renderTable, useColour, type Cell, type Tone } from '../table.js'
import { expiryCell } from '../../core/describe.js'
import { expiryChange, selfRotation, settleRotation } from '../../forge/rotate-settle.js'
import { out } from '../out.js'
import { printableJson } from '../../core/terminal-text.js'

interface CheckArgs {
  names?: string[]
  json?: boolean
}

export const check: CommandModule<object, CheckArgs> = {
  command: 'check [names..]',
  describe: 'ask the forge about tokens: valid? until when? which scopes? (GitLab, Heptapod, GitHub, Gitea/Forgejo)',
  builder: y =>
    y
      .positional('names', { type: 'string', array: true, describe: 'token names (default: every token)' })
      .option('json', { type: 'boolean', describe: 'machine-readable output' })
      .example('# check every token', '')
      .example('$0 check', '')
      .example('# one token, as JSON (exact ISO dates)', '')
      .example('$0 check gitlab-laptop --json', '')
      .epilog(
        "The API is found from the token's host; set git config credential.<url>.patApiUrl for another address " +
          '(GitLab: the instance URL; GitHub: the API root, e.g. https://HOST/api/v3; Gitea/Forgejo: the instance URL). ' +
          'Gitea and Forgejo say whether they accept a token, not when it expires; other forges are not asked. ' +
          'Requests time out after credential.pat.checkTimeout (default 5s).',
      ) as never,
  handler: withExitCode(async (args, ctx) => {
    const r = await checkTokens(args.names ?? [], { json: !!args.json, now: ctx.now(), env: ctx.env })
    out(r.text)
    // With --json, stdout is the JSON alone; what changed goes to stderr.
    if (args.json) for (const n of r.notes) process.stderr.write(`git-credential-pat: ${n}\n`)
    return r.ok ? 0 : 1
  }),
}

export interface CheckResult {
  name: string
  scope: string
  provider: string
  result: Verdict
  /** The token's state after the check. */
  state: TokenRecord['state']
  /** Exact ISO expiry as now recorded; null = none or unknown. */
  expires: string | null
  active?: boolean
  revoked?: boolean
  scopes?: string[]
  login?: string
  apiUrl?: string
  /** GitLab: whether its scopes (api, self_rotate) let it renew itself (rotate --api, autoRotate). */
  selfRotate?: boolean
  message: string
  checkedAt: string
}

export interface CheckOptions {
  json?: boolean
  now: Date
  env: NodeJS.ProcessEnv
}

export async function checkTokens(names: string[], o: CheckOptions): Promise<{ text: string; ok: boolean; results: CheckResult[]; notes: string[] }> {
  const { now, env } = o
  const file = statePaths(env).metadata
  const meta = readMetadata(file)
  const wanted = names.length ? [...new Set(names)].map(n => lookUp(meta, n)) : meta.tokens
  if (!wanted.length) return { text: o.json ? '[]\n' : 'no tokens to check; add one with: git-credential-pat add HOST\n', ok: true, results: [], notes: [] }

  const timeoutMs = wanted.some(hasTokenApi) ? checkTimeoutMs(env) : 0
  const reports = new Map<string, ForgeReport>(await Promise.all(wanted.map(async t => [t.name, await ask(t, env, timeoutMs, now)] as const)))

  const notes: string[] = []
  const after = await updateMetadata(file, m => {
    const out: TokenRecord[] = []
    for (const t of m.tokens) {
      const r = reports.get(t.name)
      if (!r) continue
      const before = t.expires
      recordReport(t, r, now)
      for (const n of [expiryChange(t, before), settleRotation(t, r, now)]) if (n) notes.push(n)
      if (DEAD.includes(r.verdict) && t.state === 'active') {
        t.state = 'rejected'
        t.rejected = { at: now.toISOString(), url: r.apiUrl ?? t.scope }
      }
      out.push(structuredClone(t))
    }
    return out
  })
  const byName = new Map(after.map(t => [t.name, t]))
  const results: CheckResult[] = []
  for (const w of wanted) {
    const t = byName.get(w.name)
    const r = reports.get(w.name)!
    if (!t) continue // removed meanwhile
    results.push({
      name: t.name,
      scope: t.scope,
      provider: t.provider,
      result: r.verdict,
      state: t.state,
      expires: t.expires,
      active: r.active,
      revoked: r.revoked,
      scopes: r.scopes,
      login: r.login,
      apiUrl: r.apiUrl,
      selfRotate: selfRotation(t, r),
      message: r.message,
      checkedAt: now.toISOString(),
    })
  }
  const ok = results.every(r => !DEAD.includes(r.result) && r.result !== 'unreachable')
  if (o.json) return { text: printableJson(results) + '\n', ok, results, notes }
  return { text: table(results, byName, now, warnDays(env), useColour(process.stdout, env)) + notes.map(n => n + '\n').join(''), ok, results, notes }
}

async function ask(t: TokenRecord, env: NodeJS.ProcessEnv, timeoutMs: number, now: Date): Promise<ForgeReport> {
  // No API, no need to touch the secret (a keychain prompt, an exec: command).
  if (!hasTokenApi(t)) return { verdict: 'unknown', message: `the forge does not say (${t.provider} has no token API we ask)` }
  let secret: string
  try {
    secret = await readSecret(t, env)
  } catch (e) {
    return { verdict: 'unknown', message: `cannot read its secret: ${(e as Error).message}` }
  }
  return askForge(t, secret, { env, timeoutMs, details: true, now })
}

const TONE: Record<Verdict, Tone> = { valid: undefined, revoked: 'red', expired: 'red', invalid: 'red', unknown: 'dim', unreachable: 'yellow' }

function table(results: CheckResult[], tokens: Map<string, TokenRecord>, now: Date, days: number, colour: boolean): string {
  const rows: Cell[][] = results.map(r => [
    { text: r.name },
    { text: r.result, tone: TONE[r.result] },
    expiryCell(tokens.get(r.name)!, now),
    { text: r.login ?? '' },
    { text: r.scopes?.join(',') ?? '' },
    { text: r.message },
  ])
  const hints: string[] = []
  for (const r of results) {
    if (DEAD.includes(r.result)) hints.push(`'${r.name}' will not work again; replace it: git-credential-pat rotate ${r.name}`)
    else if (r.result === 'valid' && r.state === 'rejected') hints.push(`the forge accepts '${r.name}'; use it again: git-credential-pat enable ${r.name}`)
    else if (r.selfRotate !== undefined && r.expires && Date.parse(r.expires) - now.getTime() <= days * 86_400_000) {
      hints.push(
        r.selfRotate
          ? `'${r.name}' can renew itself through GitLab: git-credential-pat rotate ${r.name} --api`
          : `'${r.name}' cannot renew itself (no api or self_rotate scope): make a new token, then: git-credential-pat rotate ${r.name}`,
      )
    }
  }
  return renderTable(['NAME', 'RESULT', 'EXPIRES', 'LOGIN', 'SCOPES', 'NOTE'], rows, colour) + hints.map(h => h + '\n').join('')
}
