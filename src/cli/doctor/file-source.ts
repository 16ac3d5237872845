// doctor: tokens whose secret is in a file.
import type { TokenRecord } from '../../state/tokens.js'
import { readSecret } from '../../state/sources/index.js'
import { check, type Check } from './check.js'

/** The `file-source` check, or null when every file: source reads. */
export async function checkFileSources(tokens: TokenRecord[], env: NodeJS.ProcessEnv): Promise<Check | null> {
  // Secrets outside the keychain: a file source must exist and be private.
  // env: and exec: are left alone (env depends on the job; exec may prompt).
  const bad: string[] = []
  for (const t of tokens.filter(t => t.source.startsWith('file:'))) {
    try {
      await readSecret(t, env)
    } catch (e) {
      bad.push((e as Error).message)
    }
  }
  if (!bad.length) return null
  return check('file-source', 'fail', `${bad.length} file: source${bad.length === 1 ? ' is' : 's are'} unusable`, bad, [
    'fix the file (it must exist, be yours and be mode 600), or: git-credential-pat remove NAME',
  ])
}
