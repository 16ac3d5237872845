// `list`: every token, never a secret.
import type { CommandModule } from 'yargs'
import { readMetadata } from '../../state/tokens.js'
import { statePaths } from '../../state/paths.js'
import { renderTable, useColour } from '../table.js'
import { withoutTokens } from '../../core/names.js'
import { expiryCell, isAwaiting, lastUsedCell, shownRecord, shownUsername, stateCell } from '../../core/describe.js'
import { isExpired } from '../../core/select.js'
import { warnDays } from './lookup.js'
import type { TokenRecord } from '../../state/tokens.js'
import type { Cell } from '../table.js'
import { rotationText, wouldAutoRotate } from '../../forge/auto-rotate.js'
import { markResult } from '../../forge/rotate-plan.js'
import { out } from '../out.js'
import { ctxOf } from '../exit-code.js'
import { printableJson } from '../../core/terminal-text.js'

/** A renewal whose fate is unknown or lost is said where the state is. */
function withRotation(cell: Cell, t: TokenRecord, now: Date): Cell {
  const r = markResult(t.rotation, now)
  return r === 'unknown' || r === 'lost' || r === 'started'
    ? { text: `${cell.text} (${rotationText(t, now)})`, tone: r === 'started' ? cell.tone : 'yellow' }
    : cell
}

export const list: CommandModule<object, { json?: boolean }> = {
  command: 'list',
  describe: 'list tokens (never their secrets)',
  builder: y => y.option('json', { type: 'boolean', describe: 'machine-readable output' }).example('$0 list --json | jq -r ".[].name"', '') as never,
  handler: args => {
    const ctx = ctxOf(args)
    out(listTokens(!!args.json, ctx.now(), ctx.env))
  },
}

export function listTokens(json: boolean, now: Date, env: NodeJS.ProcessEnv): string {
  const tokens = [...readMetadata(statePaths(env).metadata).tokens].sort((a, b) => a.scope.localeCompare(b.scope) || a.name.localeCompare(b.name))
  if (json) return printableJson(tokens.map(shownRecord)) + '\n'
  if (!tokens.length) return 'no tokens yet; add one with: git-credential-pat add HOST[/GROUP/*] \n'
  // Expired and soon-expiring rows carry a mark, not only a colour (NO_COLOR, pipes).
  const days = warnDays(env)
  const mark = (t: TokenRecord) =>
    t.state === 'disabled' ? ' ' : isExpired(t, now) ? '!' : t.expires && Date.parse(t.expires) - now.getTime() <= days * 86_400_000 ? '*' : ' '
  // R: credential.pat.autoRotate renews it through the forge.
  const marks = tokens.map(t => mark(t) + (wouldAutoRotate(t, env) ? 'R' : ''))
  const table = renderTable(
    [' ', 'NAME', 'SCOPE', 'USERNAME', 'EXPIRES', 'LAST USED', 'STATE'],
    tokens.map((t, i) => {
      const expiry = expiryCell(t, now, days)
      return [
        { text: marks[i], tone: expiry.tone },
        { text: withoutTokens(t.name), tone: marks[i][0] !== ' ' ? expiry.tone : undefined },
        { text: t.scope },
        { text: shownUsername(t) },
        expiry,
        lastUsedCell(t, now),
        withRotation(stateCell(t, now), t, now),
      ]
    }),
    useColour(process.stdout, env),
  )
  const legend = [
    marks.some(m => m.endsWith('R')) ? 'R renewed through the forge before it expires (credential.pat.autoRotate)' : '',
    marks.some(m => m[0] === '!') ? '! expired: never sent; make a new token, then: git-credential-pat rotate NAME --expires …' : '',
    marks.some(m => m[0] === '*') ? `* expires within ${days} days: rotate it soon` : '',
    tokens.some(isAwaiting)
      ? 'awaiting secret: recorded without one (import); git asks for it at its first use at a terminal, or: git-credential-pat rotate NAME'
      : '',
  ].filter(Boolean)
  return legend.length ? `${table}\n${legend.join('\n')}\n` : table
}
