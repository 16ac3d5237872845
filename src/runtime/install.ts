// Where this installation lives: the checkout holding bin/, dist/ and
// node_modules/. This file sits two levels below it both as source
// (src/runtime/) and bundled (dist/bundle.*/), so every path to bin/ or
// dist/ is computed here and nowhere else.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { existsSync } from 'node:fs'

export const installRoot = (): string => dirname(dirname(dirname(fileURLToPath(import.meta.url))))

/** bin/git-credential-pat: the portable launcher (sh, and JavaScript for a runtime), which starts the daemon. */
export const launcherPath = (): string => join(installRoot(), 'bin', 'git-credential-pat')

declare const Bun: unknown

/**
 * What goes before the script on a command line of this runtime:
 * under Bun, our own bin/bunfig.toml, so that no bunfig.toml or .env of the
 * current directory is read (see that file). Node reads neither. `lean`
 * (the daemon, which idles for minutes holding little): Bun's --smol, a
 * smaller heap collected more often.
 */
export const runtimeArgs = (lean = false): string[] =>
  typeof Bun !== 'undefined' ? [`--config=${join(installRoot(), 'bin', 'bunfig.toml')}`, ...(lean ? ['--smol'] : [])] : []

/**
 * The launchers git may run for this installation: dist/bin/git-credential-pat
 * (Bun from its #! line; scripts/bundle.sh writes it where Bun runs, and
 * install.sh links it onto PATH), first when present, and bin/'s.
 */
export function launchers(): string[] {
  const direct = join(installRoot(), 'dist', 'bin', 'git-credential-pat')
  return existsSync(direct) ? [direct, launcherPath()] : [launcherPath()]
}
