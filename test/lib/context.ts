// Contexts for tests that call src/ below the entry points (src/state/context.ts).
import { contextOf, type Context } from '../../src/state/context.js'
import { useKeychain } from '../../src/state/keychain-account.js'

/** A context for `env` (default: this process's, read when asked) with a clock stopped at `now` (default: the real one). */
export function testContext(o: { env?: NodeJS.ProcessEnv; now?: Date } = {}): Context {
  const now = o.now
  return contextOf(o.env ?? process.env, now ? () => now : undefined)
}

/**
 * Put a context's keychain binding in use, as an entry point does
 * (git/helper.ts, cli/cli.ts, daemon/run.ts). Default: this process's
 * environment, read when asked, so a test that sets its keychain service or
 * home in process.env later is still heard. Returns the context.
 */
export function useTestKeychain(env: NodeJS.ProcessEnv = process.env): Context {
  const ctx = contextOf(env)
  useKeychain(ctx.keychain)
  return ctx
}
