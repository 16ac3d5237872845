// The state directories (metadata, warnings, pending answers) under the one
// path rule (runtime/trusted-path.ts): a metadata file in a directory that
// another user can write is theirs, and its exec: sources would run as us.
import { dirname } from '../core/path.js'
import { trustDir, trustFile, type PathUse } from '../runtime/trusted-path.js'

export const STATE: PathUse = {
  code: 'UNSAFE_PATH',
  purpose: 'keep state in it',
  fix: 'keep state in a directory of your own (GIT_CREDENTIAL_PAT_HOME, or XDG_DATA_HOME and XDG_CACHE_HOME)',
}

/** A state file and the directories above it; false when it does not exist (nothing to read). */
export function trustStateFile(file: string): boolean {
  return trustDir(dirname(file), STATE) && trustFile(file, STATE)
}

/** A state directory, made 0700 when missing, checked either way. */
export function makeStateDir(dir: string): void {
  trustDir(dir, STATE, { create: true })
}
