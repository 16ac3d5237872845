// Timers for any delay: setTimeout fires at once when asked for more than
// 2^31-1 ms, so a cacheTimeout of a year must be re-armed in steps.

/** setTimeout's limit; longer waits are re-armed when they fire. */
export const MAX_TIMER = 2 ** 31 - 1

/** A pending `later`: its current setTimeout, replaced at each re-arm. */
export interface Later {
  t?: NodeJS.Timeout
}

/** setTimeout for any delay (a cacheTimeout of a year must not fire at once or never). */
export function later(ms: number, fn: () => void): Later {
  const h: Later = {}
  const due = Date.now() + ms
  const arm = () => {
    const left = due - Date.now()
    h.t = left > MAX_TIMER ? setTimeout(arm, MAX_TIMER) : setTimeout(fn, Math.max(0, left))
  }
  arm()
  return h
}
