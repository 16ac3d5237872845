// doctor: the metadata file (tokens.json) must be readable; the other token
// checks work on what it holds.
import { PatError } from '../../errors.js'
import { readMetadata, type TokenRecord } from '../../state/tokens.js'
import { statePaths } from '../../state/paths.js'
import { check, type Check } from './check.js'

/** The `metadata` check, and the tokens (null when the file cannot be read). */
export function checkMetadata(env: NodeJS.ProcessEnv): { check: Check; tokens: TokenRecord[] | null } {
  const metaFile = statePaths(env).metadata
  try {
    const tokens = readMetadata(metaFile).tokens
    return { tokens, check: check('metadata', 'ok', `metadata ${metaFile} is readable (${tokens.length} token${tokens.length === 1 ? '' : 's'})`) }
  } catch (e) {
    return {
      tokens: null,
      check: check(
        'metadata',
        'fail',
        e instanceof PatError ? e.message : `cannot read ${metaFile}: ${(e as Error).message}`,
        [],
        [`repair or move away ${metaFile}; then re-add your tokens with: git-credential-pat add`],
      ),
    }
  }
}
