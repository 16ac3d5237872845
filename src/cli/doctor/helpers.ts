// doctor: credential.helper, for every host and for each host with tokens.
import type { TokenRecord } from '../../state/tokens.js'
import { effectiveHelpers, isOurs, readHelperEntries, type HelperEntry } from '../../gitconfig/helper-list.js'
import { check, type Check, type CheckStatus } from './check.js'
import { checkOtherHelpers } from './other-helpers.js'
import { originsOf } from './origins.js'

/** `helper`, then `other-helpers` and `helper-url` when they have something to say. */
export function checkHelpers(tokens: TokenRecord[], env: NodeJS.ProcessEnv): Check[] {
  let entries
  try {
    entries = readHelperEntries(env)
  } catch (e) {
    return [check('helper', 'fail', (e as Error).message, [], ['make sure git is installed and on PATH'])]
  }
  const urls = checkUrlHelpers(tokens, entries)
  return [checkGenericHelper(entries), ...checkOtherHelpers(entries), ...(urls ? [urls] : [])]
}

const describe = (list: string[]) => (list.length ? list.map(v => `'${v}'`).join(', then ') : 'no helper')

function checkGenericHelper(entries: HelperEntry[]): Check {
  const generic = effectiveHelpers(entries)
  if (!generic.some(isOurs)) {
    return check('helper', 'fail', `git config credential.helper does not include pat (git asks ${describe(generic)})`, [], ['git-credential-pat setup'])
  }
  if (!isOurs(generic[0])) {
    return check(
      'helper',
      'warn',
      `git asks ${describe(generic)}: a helper before pat may answer with another password`,
      [],
      ['git-credential-pat setup   (puts pat first, keeps the others)'],
    )
  }
  return check('helper', 'ok', `git asks ${describe(generic)}`)
}

// credential.<url>.helper entries (gh auth setup-git writes one with a
// reset) can take a host away from us.
function checkUrlHelpers(tokens: TokenRecord[], entries: HelperEntry[]): Check | null {
  const generic = effectiveHelpers(entries)
  const details: string[] = []
  const fix: string[] = []
  let status: CheckStatus = 'ok'
  for (const origin of originsOf(tokens, () => true)) {
    const list = effectiveHelpers(entries, origin)
    if (list.join('\0') === generic.join('\0')) continue
    if (!list.some(isOurs)) {
      status = 'fail'
      details.push(`${origin}: git asks ${describe(list)}, not pat (a credential.${origin}.helper entry resets the list)`)
      fix.push(`git config --global --add credential.${origin}.helper pat   (or remove the empty credential.${origin}.helper entry)`)
    } else if (!isOurs(list[0])) {
      if (status === 'ok') status = 'warn'
      details.push(`${origin}: git asks ${describe(list)}; the first may answer before pat`)
    }
  }
  return details.length ? check('helper-url', status, 'some hosts with tokens have their own credential helpers', details, fix) : null
}
