// `export [--json]`: this store's tokens as a manifest that `import` reads
// back to the same records. Never a secret: records hold
// none, and a keychain token's secret stays in the keychain (or is named by
// its `secretFrom`). JSON is the manifest's only format, so --json changes
// nothing; it is accepted as for list and show.
import type { CommandModule } from 'yargs'
import { readMetadata } from '../../state/tokens.js'
import { statePaths } from '../../state/paths.js'
import { exportManifest } from '../../core/manifest-plan.js'
import { looksLikeToken } from '../../core/redact.js'
import { withoutTokens } from '../../core/names.js'
import { out } from '../out.js'
import { ctxOf } from '../exit-code.js'
import { printableJson } from '../../core/terminal-text.js'

export const exportCommand: CommandModule<object, { json?: boolean }> = {
  command: 'export',
  describe: 'print the tokens as a manifest for import (never a secret)',
  builder: y =>
    y
      .option('json', { type: 'boolean', describe: 'JSON (the manifest format; the default)' })
      .example('# then on another machine: git-credential-pat import tokens.json', '')
      .example('$0 export > tokens.json', '') as never,
  handler: args => {
    out(exportTokens(ctxOf(args).env))
  },
}

export function exportTokens(env: NodeJS.ProcessEnv): string {
  const manifest = exportManifest(readMetadata(statePaths(env).metadata).tokens)
  // A record saved before a token given as git's username was replaced
  // (core/token-like-username.ts) exports without it: import then uses the
  // forge's convention or asks.
  for (const e of manifest.tokens) {
    if (e.username !== undefined && looksLikeToken(e.username)) delete e.username
    e.name = withoutTokens(e.name)
  }
  return printableJson(manifest) + '\n'
}
