// doctor: git's own store/cache helpers configured beside pat.
import { isOurs, type HelperEntry } from '../../gitconfig/helper-list.js'
import { describeOther, otherHelpersIn } from '../../gitconfig/other-helpers.js'
import { check, type Check } from './check.js'

/**
 * store/cache beside pat: git stores every token into them too, and asks
 * them once pat withholds one. A plaintext copy is a FAIL.
 */
export function checkOtherHelpers(entries: HelperEntry[]): Check[] {
  const others = otherHelpersIn(entries)
  if (!others.length || !entries.some(e => isOurs(e.value))) return []
  const plaintext = others.some(h => h.kind === 'plaintext')
  return [
    check(
      'other-helpers',
      plaintext ? 'fail' : 'warn',
      plaintext
        ? "git's credential-store is configured beside pat: every token git uses is copied to a plaintext file, and sent from there after pat withholds it"
        : "git's credential-cache is configured beside pat: it keeps a copy of every token git uses and sends it after pat withholds it",
      others.map(describeOther),
      [
        'git-credential-pat setup --remove-other-helpers',
        ...(plaintext ? ['then delete the plaintext copies: rm ~/.git-credentials (or the --file given to store)'] : []),
      ],
    ),
  ]
}
