// Tests that need root (a second uid, a tmpfs, chown) run as root, as CI
// does. An ordinary user's run skips them with one message; a run as root
// or with CI set may skip none: there the same call fails the test.
// scripts/test.sh counts the skips and fails a root or CI run that has any.
import tap, { type Test } from 'tap'

export const SKIP_ROOT = 'skipped: needs root (CI runs it as root)'

export const isRoot = (): boolean => process.getuid?.() === 0

/**
 * True (and the test skipped, or failed under CI) when not root; call it
 * first and return when it says so. `what`: why root is needed.
 */
export function needsRoot(t: Test, what: string): boolean {
  if (isRoot()) return false
  if (process.env.CI) {
    t.fail(`${what}: needs root, and CI must run every test (run it as root)`)
    return true
  }
  t.pass(what, { skip: SKIP_ROOT })
  return true
}

/**
 * t.test for a test that needs root throughout: skipped with SKIP_ROOT
 * when not root, failed instead under CI.
 */
export function rootTest(name: string, fn: (t: Test) => unknown): Promise<unknown> {
  if (isRoot()) return tap.test(name, fn as never)
  if (process.env.CI) return tap.test(name, async t => void t.fail(`${name}: needs root, and CI must run every test (run it as root)`))
  return tap.test(name, { skip: SKIP_ROOT }, fn as never)
}
