// Which config file `git config --global|--local` writes, and replacing its
// contents the way git does (a `FILE.lock` renamed over it).
import { closeSync, existsSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { PatError } from '../errors.js'
import { git } from './run.js'

/** The file `git config --global|--local` writes. */
export function configFile(scope: 'global' | 'local', env: NodeJS.ProcessEnv): string {
  let file: string
  if (scope === 'local') {
    const r = git(['rev-parse', '--path-format=absolute', '--git-common-dir'], env)
    if (r.status !== 0) throw new PatError('GIT', 'setup --local must run inside a git repository (or use --global)')
    file = join(r.stdout.trim(), 'config')
  } else if (env.GIT_CONFIG_GLOBAL) file = resolve(env.GIT_CONFIG_GLOBAL)
  else {
    // git writes ~/.gitconfig, or the XDG file when only that one exists.
    const home = env.HOME || homedir()
    const dot = join(home, '.gitconfig')
    const xdg = join(env.XDG_CONFIG_HOME || join(home, '.config'), 'git', 'config')
    file = !existsSync(dot) && existsSync(xdg) ? xdg : dot
  }
  // A symlinked ~/.gitconfig (dotfile managers) is edited where it points, as git does.
  try {
    return realpathSync(file)
  } catch {
    return file
  }
}

/** Replace a config file's contents with git's lock protocol (FILE.lock, then rename). */
export function writeConfigFile(file: string, text: string): void {
  let mode = 0o644
  try {
    mode = statSync(file).mode & 0o777
  } catch {
    /* new file */
  }
  const lock = `${file}.lock`
  let fd: number
  try {
    fd = openSync(lock, 'wx', mode)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new PatError(
      'GIT',
      code === 'EEXIST'
        ? `${lock} exists: another git is changing that file, or crashed; remove the lock if no git is running`
        : `cannot write ${file}: ${code}`,
    )
  }
  try {
    writeSync(fd, text)
    closeSync(fd)
    renameSync(lock, file)
  } catch (e) {
    try {
      unlinkSync(lock)
    } catch {
      /* already gone */
    }
    throw new PatError('GIT', `cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)
  }
}

/** A config file's real path (symlinks followed), or its absolute path if it cannot be resolved. */
export function resolveQuiet(f: string): string {
  try {
    return realpathSync(f)
  } catch {
    return resolve(f)
  }
}
