// doctor: which runtime runs the helper, and why.
import { runtimeInfo } from '../../runtime/info.js'
import { check, type Check } from './check.js'

export function checkRuntime(env: NodeJS.ProcessEnv): Check {
  const r = runtimeInfo(env)
  return check('runtime', 'ok', `runs on ${r.name === 'bun' ? 'Bun' : 'Node'} ${r.version}: ${r.why}`)
}
