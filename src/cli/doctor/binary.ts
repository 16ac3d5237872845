// doctor: the binary git runs for our helper entry: the one it names by
// absolute path (setup --absolute, install.sh where its bin directory is not
// on PATH), else `git credential-pat`, which git finds in its exec-path or PATH.
import { accessSync, constants, realpathSync } from 'node:fs'
import { join, delimiter } from 'node:path'
import { launchers } from '../../runtime/install.js'
import { git } from '../../gitconfig/run.js'
import { effectiveHelpers, isOurs, readHelperEntries } from '../../gitconfig/helper-list.js'
import { check, type Check } from './check.js'

/** This installation's launchers, the one install.sh links first (runtime/install.ts). */
const OURS = launchers()
export const OUR_BIN = OURS[0]

/** The path git's first helper entry of ours names, when it names one (`/…/git-credential-pat`, `!/…/git-credential-pat …`). */
function helperPath(env: NodeJS.ProcessEnv): string | undefined {
  let ours: string | undefined
  try {
    ours = effectiveHelpers(readHelperEntries(env)).find(isOurs)
  } catch {
    return undefined // the helper check says why git config cannot be read
  }
  const first = ours?.replace(/^!\s*/, '').split(/\s+/)[0]
  return first?.startsWith('/') ? first : undefined
}

const executable = (f: string) => {
  try {
    accessSync(f, constants.X_OK)
    return true
  } catch {
    return false
  }
}

export function checkBinary(env: NodeJS.ProcessEnv): Check {
  const named = helperPath(env)
  if (named && !executable(named)) {
    return check(
      'binary',
      'fail',
      `credential.helper names ${named}, which git cannot run (missing or not executable)`,
      [],
      ['git-credential-pat setup --absolute   (names this installation), or put it on PATH and run: git-credential-pat setup'],
    )
  }
  // `git credential-pat` looks in git's exec-path first, then in PATH.
  const dirs = [...gitExecPath(env), ...(env.PATH ?? '').split(delimiter).filter(Boolean)]
  const found = named ?? dirs.map(d => join(d, 'git-credential-pat')).find(executable)
  const fix = [`put ${join(OUR_BIN, '..')} first in PATH, or link it: ln -s ${OUR_BIN} ~/.local/bin/git-credential-pat (./install.sh does this)`]
  if (!found) return check('binary', 'fail', 'git cannot run `git credential-pat`: no git-credential-pat in PATH', [], fix)
  const real = (f: string) => {
    try {
      return realpathSync(f)
    } catch {
      return f
    }
  }
  const how = named ? `credential.helper names ${found}` : `\`git credential-pat\` runs ${found}`
  if (!OURS.some(l => real(l) === real(found))) {
    return check(
      'binary',
      'fail',
      `${how}, not this installation (${OUR_BIN})`,
      [`${found} -> ${real(found)}`],
      [`remove or relink ${found}, or put ${join(OUR_BIN, '..')} before it in PATH`],
    )
  }
  return check('binary', 'ok', `${how}${OURS.includes(found) ? '' : ` (-> ${real(found)}, this installation)`}`)
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
