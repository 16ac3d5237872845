// The daemon's watchdog: exit if the socket is no longer ours: removed
// (logout cleans XDG_RUNTIME_DIR; a test removed its sandbox), replaced, or
// opened up.
import { lstatSync } from 'node:fs'
import { PatError } from '../errors.js'
import { checkRuntimeDir, checkSocket, type RuntimePaths } from './client/runtime.js'

/** How often the daemon checks that its socket is still its own. */
const WATCHDOG_MS = 5_000

/** What the daemon created: the inodes of its socket and of its key file. */
export interface Owned {
  socketIno: number
  keyIno: number
}

/** Check every `everyMs` (default 5 s); `close` is told why. Returns the function that stops it. */
export function startWatchdog(paths: RuntimePaths, owned: Owned, close: (reason: string) => void, everyMs = WATCHDOG_MS): () => void {
  const watchdog = setInterval(() => {
    try {
      if (lstatSync(paths.socket).ino !== owned.socketIno) return close('socket replaced by another daemon')
      // Clients prove themselves with the key file: another one means another daemon.
      if (lstatSync(paths.key).ino !== owned.keyIno) return close('key replaced by another daemon')
      checkSocket(paths.socket)
      checkRuntimeDir(paths.dir, false)
    } catch (e) {
      close(e instanceof PatError ? e.message : 'socket removed')
    }
  }, everyMs)
  watchdog.unref()
  return () => clearInterval(watchdog)
}
