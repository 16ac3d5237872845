// import's questions for the secrets a manifest does not name (a setup
// moved with export → import: the keychain of the new machine has none).
// All of them are named first, then each is asked with hidden input and
// the forge's token page; an empty answer leaves that token awaiting its
// secret, as having no terminal does (docs/git-credential-pat.md, "import").
import type { ManagedRecord } from '../../core/manifest-plan.js'
import { namedList } from '../../core/manifest-plan.js'
import { renewPage } from '../../forge/rotate-plan.js'
import { Cancelled, leaveInterrupted, openTerminal } from '../../prompt/tty.js'
import { checkSecret } from '../../prompt/secret-input.js'
import { PatError } from '../../errors.js'

/**
 * The secrets typed for `missing`, by name. Nothing is asked without a
 * terminal, or with GIT_TERMINAL_PROMPT=0 (git's own switch for scripts).
 */
export async function askMissingSecrets(missing: readonly ManagedRecord[], env: NodeJS.ProcessEnv): Promise<ReadonlyMap<string, string>> {
  const out = new Map<string, string>()
  if (!missing.length || env.GIT_TERMINAL_PROMPT === '0') return out
  const tty = openTerminal()
  if (!tty) return out
  try {
    const n = missing.length
    tty.write(`${n} token${n === 1 ? ' needs' : 's need'} a secret: ${namedList(missing)}\n`)
    for (const r of missing) {
      const page = renewPage(r)
      if (page) tty.write(`  create '${r.name}' at: ${page}\n`)
      const typed = (await tty.ask(`Secret for '${r.name}' (${r.scope}) (input hidden; empty: later): `, { hidden: true })).trim()
      if (!typed) continue
      try {
        out.set(r.name, checkSecret(typed))
      } catch (e) {
        if (!(e instanceof PatError)) throw e
        tty.write(`  not taken: ${e.message.replace(/; nothing was saved$/, '')}; '${r.name}' awaits its secret\n`)
      }
    }
  } catch (e) {
    // Ctrl-C ends import as it ends add (exit 130); Ctrl-D is one line, nothing changed.
    if (e instanceof Cancelled && e.interrupted) leaveInterrupted()
    throw e
  } finally {
    tty.close()
  }
  return out
}
