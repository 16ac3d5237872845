// Which JavaScript runtime runs this process, and why (for
// doctor): bin/git-credential-pat picks the Bun binary it finds beside the
// installation (install.ts bunBinary), unless GIT_CREDENTIAL_PAT_RUNTIME=node.
import { bunBinary } from './install.js'
import { runtime } from './choose.js'

export interface RuntimeInfo {
  name: 'bun' | 'node'
  version: string
  why: string
}

export function runtimeInfo(env: NodeJS.ProcessEnv): RuntimeInfo {
  if (runtime.bun) return { name: 'bun', version: runtime.bun.version, why: 'the Bun binary installed for this platform' }
  const recorded = bunBinary() !== undefined
  const why =
    env.GIT_CREDENTIAL_PAT_RUNTIME === 'node'
      ? 'GIT_CREDENTIAL_PAT_RUNTIME=node'
      : recorded
        ? 'started with node directly, not through bin/git-credential-pat'
        : 'no Bun binary beside this installation (none for this platform): Node is the fallback'
  return { name: 'node', version: process.versions.node, why }
}
