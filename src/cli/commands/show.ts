// `show NAME`: every field of one token, never its secret.
import type { CommandModule } from 'yargs'
import { readMetadata, type TokenRecord } from '../../state/tokens.js'
import { statePaths } from '../../state/paths.js'
import { renderTable, useColour, type Cell } from '../table.js'
import { expiryCell, lastUsedCell, shownRecord, shownUsername, stateCell } from '../../core/describe.js'
import { byName, warnDays } from './lookup.js'
import { rotationText, wouldAutoRotate } from '../../forge/auto-rotate.js'
import { out } from '../out.js'
import { ctxOf } from '../exit-code.js'
import { printableJson } from '../../core/terminal-text.js'

interface ShowArgs {
  name: string
  json?: boolean
}

export const show: CommandModule<object, ShowArgs> = {
  command: 'show <name>',
  describe: 'show every field of one token (never its secret)',
  builder: y =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'the token name (see: list)' })
      .option('json', { type: 'boolean', describe: 'machine-readable output (the same object as in list --json)' })
      .example('$0 show ci-runner-7', '')
      .example('# the expiry, for a script', '')
      .example('$0 show ci-runner-7 --json | jq -r .expires', '') as never,
  handler: args => {
    const ctx = ctxOf(args)
    out(showToken(args.name, !!args.json, ctx.now(), ctx.env))
  },
}

export function showToken(name: string, json: boolean, now: Date, env: NodeJS.ProcessEnv): string {
  const t = byName(readMetadata(statePaths(env).metadata), name)
  if (json) return printableJson(shownRecord(t)) + '\n'
  const auto = wouldAutoRotate(t, env) ? `yes: renewed through the forge within ${warnDays(env)} days of expiry (credential.pat.autoRotate)` : undefined
  return renderFields(t, now, warnDays(env), useColour(process.stdout, env), auto)
}

/** `autoRotate`: whether credential.pat.autoRotate renews it (the show command passes it; others leave the row out). */
export function renderFields(t: TokenRecord, now: Date, days: number, colour: boolean, autoRotate?: string): string {
  const date = (iso?: string) => (iso ? iso.replace(/\.\d{3}Z$/, 'Z') : undefined)
  const rows: [string, Cell | string | undefined][] = [
    ['name', t.name],
    ['scope', t.scope],
    ['username', shownUsername(t)],
    ['provider', t.provider],
    ['state', stateCell(t, now)],
    ['expires', expiryCell(t, now, days)],
    ['access', t.access],
    ['source', t.source],
    ['auth', t.authtype ? `${t.auth ?? 'basic'} (authtype ${t.authtype})` : (t.auth ?? 'basic')],
    ['description', t.description],
    ['created', date(t.created)],
    ['rotated', date(t.rotated) ?? { text: 'never', tone: 'dim' }],
    ['last used', t.lastUsed ? `${lastUsedCell(t, now).text} (${date(t.lastUsed)})` : lastUsedCell(t, now)],
    [
      'origin',
      t.origin === 'store'
        ? 'store (saved after git authenticated with it)'
        : t.origin === 'prompt'
          ? 'prompt (typed at the prompt, saved once the server accepted it)'
          : 'add',
    ],
    ['refresh token', t.hasRefreshToken ? 'yes (in the keychain)' : undefined],
    ['rejected', t.rejected ? `${date(t.rejected.at)} by ${t.rejected.url}` : undefined],
    ['denied', t.denied ? `${date(t.denied.at)} by ${t.denied.url} (the forge said the token is valid)` : undefined],
    ['checked', t.checked ? describeCheck(t.checked) : undefined],
    ['rotation', rotationText(t, now)],
    ['auto-rotate', autoRotate],
  ]
  const cells = rows.filter((r): r is [string, Cell | string] => r[1] !== undefined).map(([k, v]) => [{ text: k }, typeof v === 'string' ? { text: v } : v])
  // renderTable's header line is dropped: a record reads better as key/value.
  return renderTable(['FIELD', 'VALUE'], cells, colour).split('\n').slice(1).join('\n')
}

function describeCheck(c: NonNullable<TokenRecord['checked']>): string {
  const parts = [c.at.replace(/\.\d{3}Z$/, 'Z')]
  if (c.active !== undefined) parts.push(c.active ? 'active' : 'NOT active')
  if (c.login) parts.push(`login ${c.login}`)
  if (c.scopes) parts.push(`scopes ${c.scopes.join(',') || '(none)'}`)
  if (c.note) parts.push(c.note)
  return parts.join(', ')
}
