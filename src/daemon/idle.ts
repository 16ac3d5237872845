// Idle exit (SPEC §8): the daemon exits once nothing is held and no request
// came for `daemonIdle`, as git's credential-cache--daemon does.
import { MAX_TIMER } from './timer.js'

export class IdleTimer {
  private lastActivity = Date.now()
  private timer: NodeJS.Timeout | undefined
  private stopped = false

  /**
   * @param idleMs exit after this long without requests once nothing is held (0: never)
   * @param empty whether nothing is held
   * @param onIdle told when the time has come
   */
  constructor(
    private readonly idleMs: number,
    private readonly empty: () => boolean,
    private readonly onIdle: () => void,
  ) {}

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
  }
}
