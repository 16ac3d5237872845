// Whether a token's scopes, as its forge reported them, let git read and
// write repositories. Pure.
//  GitLab (https://docs.gitlab.com/user/profile/personal_access_tokens/#personal-access-token-scopes):
//    read_repository pulls; write_repository pulls and pushes; api is
//    complete read/write access, repositories included.
//  GitHub classic tokens (https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps):
//    repo is every repository; public_repo public ones only. Fine-grained
//    tokens send no X-OAuth-Scopes: nothing to say.
import type { Access } from '../state/tokens.js'

/** A warning when the scopes cannot do what `access` says; undefined when they can or nobody knows. */
export function repoAccessWarning(provider: string, scopes: readonly string[] | undefined, access: Access): string | undefined {
  if (!scopes) return undefined
  const has = (s: string) => scopes.includes(s)
  if (provider === 'gitlab') {
    const read = has('api') || has('read_repository') || has('write_repository')
    const write = has('api') || has('write_repository')
    if (!read)
      return `its scopes (${scopes.join(', ') || 'none'}) cannot read repositories: git clone and fetch will be refused; make a token with read_repository${access === 'read-write' ? ' and write_repository' : ''}`
    if (access === 'read-write' && !write)
      return `its scopes (${scopes.join(', ')}) cannot write repositories: git push will be refused; add write_repository, or save it with --access read`
    return undefined
  }
  if (provider === 'github') {
    if (has('repo')) return undefined
    if (has('public_repo')) return `its scopes (${scopes.join(', ')}) reach public repositories only; private ones need the repo scope`
    return `its scopes (${scopes.join(', ') || 'none'}) cannot read or write private repositories; make a token with the repo scope (or a fine-grained one with Contents access)`
  }
  return undefined
}
