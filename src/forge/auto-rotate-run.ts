// The detached process `get` starts for credential.pat.autoRotate (`rotate
// NAME --api --background`): it waits a few seconds, so the git command that
// started it finishes its requests with the old secret before GitLab revokes
// it, renews the token, and logs what happened (nobody reads its stdio). The
// outcome is also on the token (`rotation`, shown by show/list and the next
// warning). The lock file `get` took is removed at the end.
import { unlinkSync } from 'node:fs'
import { logger } from '../log/log.js'
import { rotateThroughForge } from './rotate.js'
import { rotateLockPath } from './auto-rotate.js'
import type { Context } from '../state/context.js'

export const AUTO_ROTATE_DELAY_MS = 5000

export async function rotateInBackground(name: string, ctx: Context): Promise<number> {
  const { env } = ctx
  const log = logger('rotate')
  const n = Number(env.GIT_CREDENTIAL_PAT_AUTOROTATE_DELAY_MS)
  await new Promise(r => setTimeout(r, Number.isFinite(n) && n >= 0 ? n : AUTO_ROTATE_DELAY_MS))
  try {
    const text = await rotateThroughForge({ name, auto: true, env, now: ctx.now() })
    log.info({ name, outcome: 'rotated' }, text.trim().split('\n').join('; '))
    return 0
  } catch (e) {
    log.warn({ name, outcome: 'not-rotated' }, (e as Error).message)
    return 1
  } finally {
    try {
      unlinkSync(rotateLockPath(name, env))
    } catch {
      // already gone
    }
  }
}
