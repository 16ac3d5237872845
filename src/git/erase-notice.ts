// What `erase` tells the user in the git command that failed
// (docs/git-credential-pat.md, The git side): git itself only says "Authentication
// failed", and the token is skipped from now on, so the user learns here
// which token it was and how to renew it. Never the secret: names, scopes
// and the URL git sent (protocol, host, path) only.
import type { TokenRecord } from '../state/tokens.js'
import { DEAD, type Verdict } from '../forge/report.js'
import { canSelfRotate, renewPage } from '../forge/rotate-plan.js'

const FORGE: Record<string, string> = { gitlab: 'GitLab', github: 'GitHub', gitea: 'Gitea' }

/** The line for a token erase has just marked rejected. */
export function rejectedNotice(t: TokenRecord, url: string): string {
  const verdict = t.checked?.result as Verdict | undefined
  const forge = FORGE[t.provider] ?? 'the forge'
  const dead = verdict !== undefined && DEAD.includes(verdict)
  const said = dead ? ` (${forge} says it is ${verdict})` : ''
  return `the server refused token '${t.name}' (${t.scope}) for ${url}${said}; it is now marked rejected and will not be sent again. Renew it: ${renewal(t, dead)}`
}

/**
 * The command that renews it. GitLab renews a token through its API only
 * while the token still works (POST personal_access_tokens/self/rotate
 * authenticates with it), so `--api` is offered only when the forge did not
 * say it is dead; a dead one is replaced by hand on the forge's token page.
 */
function renewal(t: TokenRecord, dead: boolean): string {
  const byApi = t.provider === 'gitlab' && t.source === 'keychain' && !dead && canSelfRotate(t.checked?.scopes) !== false
  if (byApi) return `git-credential-pat rotate ${t.name} --api (or, with a new token from the forge: git-credential-pat rotate ${t.name})`
  const page = renewPage(t)
  return `git-credential-pat rotate ${t.name}${page ? ` (make a new token at ${page})` : ''}`
}

/** The line for a token the forge vouched for after the 401: it stays active. */
export function deniedNotice(t: TokenRecord, url: string): string {
  const forge = FORGE[t.provider] ?? 'the forge'
  return `the server refused token '${t.name}' (${t.scope}) for ${url}, but ${forge} says the token is valid: it stays active; the refusal was about this repository (does the token reach it, with the right scopes?)`
}
