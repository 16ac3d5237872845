// Where this installation lives: the checkout holding bin/, dist/ and
// node_modules/. This file sits two levels below it both as source
// (src/runtime/) and bundled (dist/bundle.*/), so every path to bin/ or
// dist/ is computed here and nowhere else.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const installRoot = (): string => dirname(dirname(dirname(fileURLToPath(import.meta.url))))

/** bin/git-credential-pat: what git runs, and what starts the daemon. */
export const launcherPath = (): string => join(installRoot(), 'bin', 'git-credential-pat')
