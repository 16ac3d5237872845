// `which URL`: the token `get` would send there, and why not the others.
// Never prints a secret: secrets are read only to learn whether
// they can be, as get would try them, and dropped at once.
import type { CommandModule } from 'yargs'
import { withExitCode } from '../exit-code.js'
import { PatError } from '../../errors.js'
import { explain, requestOf, toProbe, type Explanation, type Request } from '../../core/explain.js'
import { readMetadata, type TokenRecord } from '../../state/tokens.js'
import { statePaths } from '../../state/paths.js'
import { readSecret } from '../../state/sources/index.js'
import { credentialSetting, parseBool } from '../../gitconfig/settings.js'
import { expiryCell } from '../../core/describe.js'
import { renderTable, useColour } from '../table.js'
import { warnDays } from './lookup.js'
import { out } from '../out.js'
import { printableJson } from '../../core/terminal-text.js'

export const which: CommandModule<object, { url: string; json?: boolean }> = {
  command: 'which <url>',
  describe: 'the token get would send for a URL, and why not the others (never a secret)',
  builder: y =>
    y
      .positional('url', { type: 'string', demandOption: true, describe: 'a clone URL, or HOST/PATH (https)' })
      .option('json', { type: 'boolean', describe: 'machine-readable output' })
      .example('$0 which https://gitlab.com/team/app', '')
      .epilog('Exits 1 when no token would be sent.') as never,
  handler: withExitCode(async (args, ctx) => {
    const r = await whichToken(args.url, !!args.json, ctx.now(), ctx.env)
    out(r.text)
    return r.code
  }),
}

export async function whichToken(url: string, json: boolean, now: Date, env: NodeJS.ProcessEnv): Promise<{ text: string; code: number }> {
  const req = requestOf(url)
  // git applies credential.<url>.* with url matching, the path included.
  const useHttpPath = parseBool(credentialSetting('useHttpPath', `${req.protocol}://${req.host}/${req.path ?? ''}`, env)) === true
  const tokens = readMetadata(statePaths(env).metadata).tokens
  const unreadable = await probe(toProbe(tokens, req, useHttpPath, now), env)
  const e = explain(tokens, req, { useHttpPath, unreadable, now })
  return { text: json ? printableJson(toJson(e)) + '\n' : render(e, now, env), code: e.chosen ? 0 : 1 }
}

/** Try the secrets in get's order until one reads; the secret itself is dropped. */
async function probe(tokens: TokenRecord[], env: NodeJS.ProcessEnv): Promise<Map<string, string>> {
  const unreadable = new Map<string, string>()
  for (const t of tokens) {
    try {
      await readSecret(t, env)
      break
    } catch (e) {
      if (!(e instanceof PatError)) throw e
      unreadable.set(t.name, e.message)
    }
  }
  return unreadable
}

function toJson(e: Explanation) {
  return {
    url: e.request.url,
    sent: sentFields(e.request, e.pathSent),
    useHttpPath: e.useHttpPath,
    pathSent: e.pathSent,
    chosen: e.chosen?.name ?? null,
    tokens: e.rows.map(r => ({
      name: r.token.name,
      scope: r.token.scope,
      username: r.token.username,
      expires: r.token.expires,
      state: r.token.state,
      chosen: r.why.kind === 'chosen',
      reason: r.why,
      why: r.text,
    })),
  }
}

/** The attributes git sends us for that URL. */
function sentFields(req: Request, pathSent: boolean): Record<string, string> {
  const f: Record<string, string> = { protocol: req.protocol, host: req.host }
  if (pathSent && req.path) f.path = req.path
  if (req.username !== undefined) f.username = req.username
  return f
}

function render(e: Explanation, now: Date, env: NodeJS.ProcessEnv): string {
  const req = e.request
  const origin = `${req.protocol}://${req.host}`
  const lines = [`URL: ${req.url}`]
  const sent = Object.entries(sentFields(req, e.pathSent))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')
  lines.push(`git asks with: ${sent}`)
  if (req.path !== undefined) {
    lines.push(
      e.pathSent
        ? `(credential.useHttpPath is on for ${origin}: git sends the path, so repository and group tokens can match)`
        : `(credential.useHttpPath is off for ${origin}: git does not send the path, so only host tokens can match)`,
    )
  }
  lines.push(e.chosen ? `get sends: '${e.chosen.name}' (${e.chosen.scope}, user ${e.chosen.username})` : 'get sends: nothing (git falls back to the prompt)')
  if (!e.rows.length) return lines.join('\n') + `\nno token for ${req.host}; add one with: git-credential-pat add ${req.host}\n`
  const days = warnDays(env)
  const table = renderTable(
    [' ', 'NAME', 'SCOPE', 'USERNAME', 'EXPIRES', 'WHY'],
    e.rows.map(r => [
      { text: r.why.kind === 'chosen' ? '*' : ' ' },
      { text: r.token.name },
      { text: r.token.scope },
      { text: r.token.username ?? '' },
      expiryCell(r.token, now, days),
      { text: r.text, tone: r.why.kind === 'chosen' ? undefined : 'dim' },
    ]),
    useColour(process.stdout, env),
  )
  return `${lines.join('\n')}\n\n${table}`
}
