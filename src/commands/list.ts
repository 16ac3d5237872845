// `list`: every token, never a secret (SPEC §5).
import type { CommandModule } from 'yargs'
import { readMetadata } from '../tokens.js'
import { statePaths } from '../paths.js'
import { renderTable } from '../table.js'
import { expiryCell, lastUsedCell, stateCell } from '../describe.js'

export const list: CommandModule<object, { json?: boolean }> = {
  command: 'list',
  describe: 'list tokens (never their secrets)',
  builder: y => y.option('json', { type: 'boolean', describe: 'machine-readable output' }).example('$0 list --json | jq -r ".[].name"', '') as never,
  handler: args => {
    process.stdout.write(listTokens(!!args.json))
  },
}

export function listTokens(json: boolean, now = new Date(), env = process.env): string {
  const tokens = [...readMetadata(statePaths(env).metadata).tokens].sort(
    (a, b) => a.scope.localeCompare(b.scope) || a.name.localeCompare(b.name),
  )
  if (json) return JSON.stringify(tokens, null, 2) + '\n'
  if (!tokens.length) return 'no tokens yet; add one with: git-credential-pat add HOST[/GROUP/*] \n'
  return renderTable(
    ['NAME', 'SCOPE', 'USERNAME', 'EXPIRES', 'LAST USED', 'STATE'],
    tokens.map(t => [{ text: t.name }, { text: t.scope }, { text: t.username }, expiryCell(t, now), lastUsedCell(t, now), stateCell(t, now)]),
  )
}
