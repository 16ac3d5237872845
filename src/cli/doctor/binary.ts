// doctor: the binary git runs for `git credential-pat`.
import { accessSync, constants, realpathSync } from 'node:fs'
import { join, delimiter } from 'node:path'
import { launchers } from '../../runtime/install.js'
import { git } from '../../gitconfig/run.js'
import { check, type Check } from './check.js'

/** This installation's launchers, the one install.sh links first (runtime/install.ts). */
const OURS = launchers()
export const OUR_BIN = OURS[0]

export function checkBinary(env: NodeJS.ProcessEnv): Check {
  // `git credential-pat` looks in git's exec-path first, then in PATH.
  const dirs = [...gitExecPath(env), ...(env.PATH ?? '').split(delimiter).filter(Boolean)]
  let found: string | undefined
  for (const d of dirs) {
    const f = join(d, 'git-credential-pat')
    try {
      accessSync(f, constants.X_OK)
      found = f
      break
    } catch {
      /* not here */
    }
  }
  const fix = [`put ${join(OUR_BIN, '..')} first in PATH, or link it: ln -s ${OUR_BIN} ~/.local/bin/git-credential-pat (./install.sh does this)`]
  if (!found) return check('binary', 'fail', 'git cannot run `git credential-pat`: no git-credential-pat in PATH', [], fix)
  const real = (f: string) => {
    try {
      return realpathSync(f)
    } catch {
      return f
    }
  }
  if (!OURS.some(l => real(l) === real(found!))) {
    return check(
      'binary',
      'fail',
      `\`git credential-pat\` runs ${found}, not this installation (${OUR_BIN})`,
      [`${found} -> ${real(found)}`],
      [`remove or relink ${found}, or put ${join(OUR_BIN, '..')} before it in PATH`],
    )
  }
  return check('binary', 'ok', `\`git credential-pat\` runs ${found}${OURS.includes(found) ? '' : ` (-> ${real(found)}, this installation)`}`)
}

/** git's exec-path, where `git credential-pat` looks first; none when git cannot run. */
function gitExecPath(env: NodeJS.ProcessEnv): string[] {
  try {
    const r = git(['--exec-path'], env)
    return r.status === 0 ? [r.stdout.trim()] : []
  } catch {
    return []
  }
}
