// Where the remote helper finds a forward (docs/forwarding.md): the socket
// GIT_CREDENTIAL_PAT_FORWARD names, else `~/.git-credential-pat-forward.sock`
// when it exists (where `forward ssh` puts it: a file directly in the home,
// as sshd makes no directory for a forwarded socket). git config
// `credential.pat.forward` is read later, by the process path (helper.ts):
// reading git config here would cost every get a `git config` process. With
// nothing set this costs one stat.
import { join } from '../core/path.js'
import { lstat } from '../runtime/sys.js'

export const DEFAULT_FORWARD_NAME = '.git-credential-pat-forward.sock'

export interface ForwardWhere {
  path: string
  /** Who named it: the environment (set up for us, e.g. in a container), git config, or the default path. */
  by: 'env' | 'config' | 'default'
}

export function forwardWhere(env: NodeJS.ProcessEnv): ForwardWhere | null {
  const named = env.GIT_CREDENTIAL_PAT_FORWARD
  if (named !== undefined && named !== '') return { path: named, by: 'env' }
  if (named === '' || !env.HOME) return null // set empty: no forward, not even the default
  const path = join(env.HOME, DEFAULT_FORWARD_NAME)
  try {
    lstat(path)
  } catch {
    return null
  }
  return { path, by: 'default' }
}
