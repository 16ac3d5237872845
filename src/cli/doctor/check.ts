// What every doctor check returns, and the verdict over them. Its
// own module so that the checks, the runner and `daemon` share the type
// without importing each other.

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip'

export interface Check {
  id: string
  status: CheckStatus
  /** One line: what was found. */
  summary: string
  /** One line per affected thing (token, host…). */
  details: string[]
  /** Commands or steps that fix it. */
  fix: string[]
}

export const check = (id: string, status: CheckStatus, summary: string, details: string[] = [], fix: string[] = []): Check => ({
  id,
  status,
  summary,
  details,
  fix,
})

/** All is well: nothing failed or warned (`ok` in doctor --json). */
export const allWell = (checks: readonly Check[]) => checks.every(c => c.status === 'ok' || c.status === 'skip')

/** doctor's exit status is 0 unless a check failed: a warning is said, not an error. */
export const noneFailed = (checks: readonly Check[]) => checks.every(c => c.status !== 'fail')
