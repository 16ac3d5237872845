// `credential.pat.*` settings (warnDays, warnInterval, checkTimeout, daemon, …)
// as a map keyed the way git prints keys (section and name lower case). A
// view on settings.ts, so every reader in one process shares its single
// `git config` spawn, which happens only when a value is first asked for.
import { setting } from './settings.js'

class PatConfig extends Map<string, string> {
  constructor(private readonly env: NodeJS.ProcessEnv) {
    super()
  }
  override get(key: string): string | undefined {
    return setting(key, this.env)
  }
  override has(key: string): boolean {
    return setting(key, this.env) !== undefined
  }
}

const views = new WeakMap<NodeJS.ProcessEnv, PatConfig>()

export function patConfig(env: NodeJS.ProcessEnv = process.env): Map<string, string> {
  let v = views.get(env)
  if (!v) views.set(env, (v = new PatConfig(env)))
  return v
}
