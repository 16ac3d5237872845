// The keychain's trouble on `get` (docs/git-credential-pat.md, The git side):
// said only when a keychain token was needed for the request, that is when
// no other token (env:, file:, exec:, a session) answered; and then at most
// once per reason per warnInterval (default a day), with its fix, as expiry
// warnings are. A headless session without D-Bus would otherwise hear
// "the keyring refused a read" on every git command. `doctor` always says it.
import { PatError, troubleHint } from '../errors.js'
import { note } from '../log/log.js'
import { say } from '../log/stderr.js'

/** Errors met while reading secrets in this request, waiting for the verdict. */
const heldErrors: PatError[] = []

/** A secret could not be read: keychain errors wait (sayIfNeeded); the decision names the others. */
export function unreadable(e: PatError): void {
  if (e.code === 'KEYCHAIN') heldErrors.push(e)
}

/** Whether a note of the decision is a keychain error that waits. */
export const held = (note: string): boolean => heldErrors.some(e => e.message === note)

/** No token answered: the keychain was needed, so say what kept it from answering. */
export async function sayIfNeeded(env: NodeJS.ProcessEnv, now: Date): Promise<void> {
  const errors = heldErrors.splice(0)
  if (!errors.length) return
  const { sayOncePerInterval } = await import('../state/warn-state.js')
  for (const e of errors) {
    // A token's own missing secret is about that token: said each time, as before.
    if (!e.trouble) {
      say(e.message)
      continue
    }
    const text = `${e.message} (${troubleHint(e.trouble)}); said at most once a day, and always by: git-credential-pat doctor`
    const said = await sayOncePerInterval(`${e.trouble}: ${e.message}`, text, now, env)
    if (!said) note({ quiet: e.message, why: 'said within warnInterval' })
  }
}

/** A token answered: the keychain was not needed; the log keeps what happened. */
export function dropHeld(): void {
  for (const e of heldErrors.splice(0)) note({ quiet: e.message, why: 'another token answered' })
}
