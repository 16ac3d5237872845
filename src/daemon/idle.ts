// Idle exit: the daemon exits once nothing is held and no request
// came for `daemonIdle`, as git's credential-cache--daemon does. And on a
// tick of its own, whether busy or not, once its program is gone (`npm
// uninstall -g`, a deleted checkout): it would otherwise serve cached
// secrets from deleted files for as long as requests keep coming.
import { MAX_TIMER } from './timer.js'

/** How often the daemon looks whether its program is still installed. */
export const PROGRAM_TICK_MS = 10_000

export interface ProgramWatch {
  /** Why the program is gone, or null while it is installed. */
  gone: () => string | null
  /** Told once, when it is. */
  onGone: (reason: string) => void
  everyMs?: number
}

export class IdleTimer {
  private lastActivity = Date.now()
  private timer: NodeJS.Timeout | undefined
  private stopped = false
  private readonly tick: NodeJS.Timeout | undefined

  /**
   * @param idleMs exit after this long without requests once nothing is held (0: never)
   * @param empty whether nothing is held
   * @param onIdle told when the time has come
   * @param program checked on every tick
   */
  constructor(
    private readonly idleMs: number,
    private readonly empty: () => boolean,
    private readonly onIdle: () => void,
    program?: ProgramWatch,
  ) {
    if (!program) return
    this.tick = setInterval(() => {
      const why = program.gone()
      if (why === null || this.stopped) return
      this.stop()
      program.onGone(why)
    }, program.everyMs ?? PROGRAM_TICK_MS)
    this.tick.unref()
  }

  /** A request came in: the idle time runs from now. */
  touch(): void {
    this.lastActivity = Date.now()
    this.arm()
  }

  /** (Re)start the wait; call it again when the last held item goes. */
  arm(): void {
    clearTimeout(this.timer)
    if (this.idleMs <= 0 || this.stopped) return
    const due = this.lastActivity + this.idleMs - Date.now()
    if (due <= 0) {
      if (this.empty()) this.onIdle()
      return // the last entry to expire calls arm again
    }
    this.timer = setTimeout(() => this.arm(), Math.min(due, MAX_TIMER)) // re-checked when it fires
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
    clearInterval(this.tick)
  }
}
