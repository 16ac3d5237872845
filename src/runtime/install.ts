// Where this installation lives: the checkout or the npm package holding
// bin/, dist/ and node_modules/. This file sits two levels below it both as
// source (src/runtime/) and bundled (dist/bundle.*/, or dist/pkg/ in the
// npm package), so every path to bin/ or dist/ is computed here and nowhere else.
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { existsSync, readFileSync } from 'node:fs'
import { runtime } from './choose.js'

export const installRoot = (): string => dirname(dirname(dirname(fileURLToPath(import.meta.url))))

/** bin/git-credential-pat: the portable launcher (sh, and JavaScript for a runtime), which starts the daemon. */
export const launcherPath = (): string => join(installRoot(), 'bin', 'git-credential-pat')

/** Why this installation's program is gone (uninstalled, checkout deleted), or null while it is there. */
export function programGone(): string | null {
  const program = standalone() ? process.execPath : launcherPath()
  return existsSync(program) ? null : `its program is gone (${program} was removed)`
}

/** Whether this is a standalone executable (scripts/release.ts): its modules live in Bun's embedded file system. */
export const standalone = (): boolean => /\/\$bunfs\/|~BUN\//.test(import.meta.url)
/** Set by scripts/bundle.sh (esbuild --define) and the release build; absent in tsc's output. */
declare const GCP_BUILD_VERSION: string | undefined

/** The package's version, for --version. */
export function packageVersion(): string {
  if (typeof GCP_BUILD_VERSION === 'string') return GCP_BUILD_VERSION
  try {
    return String((JSON.parse(readFileSync(join(installRoot(), 'package.json'), 'utf8')) as { version?: unknown }).version ?? 'unknown')
  } catch {
    return 'unknown'
  }
}

/**
 * The Bun binary bin/git-credential-pat runs, where it looks for it: the
 * `bun` package in our own node_modules, or beside us where npm hoisted it
 * (the package itself installed in a node_modules/). Undefined when neither exists.
 */
export function bunBinary(root = installRoot()): string | undefined {
  const own = join(root, 'node_modules', 'bun', 'bin', 'bun.exe')
  if (existsSync(own)) return own
  const sibling = join(dirname(root), 'bun', 'bin', 'bun.exe')
  return basename(dirname(root)) === 'node_modules' && existsSync(sibling) ? sibling : undefined
}

/**
 * What goes before the script on a command line of this runtime:
 * under Bun, our own bin/bunfig.toml, so that no bunfig.toml or .env of the
 * current directory is read (see that file). Node reads neither. `lean`
 * (the daemon, which idles for minutes holding little): Bun's --smol, a
 * smaller heap collected more often.
 */
export const runtimeArgs = (lean = false): string[] =>
  runtime.bun ? [`--config=${join(installRoot(), 'bin', 'bunfig.toml')}`, ...(lean ? ['--smol'] : [])] : []

/**
 * The launchers git may run for this installation: dist/bin/git-credential-pat
 * (Bun from its #! line; scripts/bundle.sh writes it where Bun runs, and
 * install.sh links it onto PATH), first when present, and bin/'s.
 */
export function launchers(): string[] {
  if (standalone()) return [process.execPath]
  const direct = join(installRoot(), 'dist', 'bin', 'git-credential-pat')
  return existsSync(direct) ? [direct, launcherPath()] : [launcherPath()]
}
