// doctor: the binary git runs for `git credential-pat`.
import { accessSync, constants, realpathSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { join, delimiter } from 'node:path'
import { launcherPath } from '../../runtime/install.js'
import { check, type Check } from './check.js'

/** bin/git-credential-pat of this installation (dist/commands/ → ../../bin). */
export const OUR_BIN = launcherPath()

export function checkBinary(env: NodeJS.ProcessEnv): Check {
  // `git credential-pat` looks in git's exec-path first, then in PATH.
  const r = spawnSync('git', ['--exec-path'], { encoding: 'utf8', env })
  const dirs = [...(r.status === 0 ? [r.stdout.trim()] : []), ...(env.PATH ?? '').split(delimiter).filter(Boolean)]
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
  if (real(found) !== real(OUR_BIN)) {
    return check(
      'binary',
      'fail',
      `\`git credential-pat\` runs ${found}, not this installation (${OUR_BIN})`,
      [`${found} -> ${real(found)}`],
      [`remove or relink ${found}, or put ${join(OUR_BIN, '..')} before it in PATH`],
    )
  }
  return check('binary', 'ok', `\`git credential-pat\` runs ${found}${found === OUR_BIN ? '' : ` (-> ${real(found)}, this installation)`}`)
}
