// A token where git's username goes (`https://ghp_…@github.com`, common in
// CI) must not be kept as a username: it would sit in the metadata, the
// token's name, `list` and `export` (docs/git-credential-pat.md, "Output and logging").
// The forge's own convention takes its place; without one, nothing is kept.
import { looksLikeToken } from './redact.js'
import { CONVENTIONS, type Provider } from './providers.js'

export type KeptUsername = { username: string | undefined; refused?: undefined } | { username?: undefined; refused: string }

/** The username to keep for what git sent; `provider` is asked only when the username looks like a token. */
export function keptUsername(username: string | undefined, provider: () => Provider): KeptUsername {
  if (username === undefined || !looksLikeToken(username)) return { username }
  const p = provider()
  const convention = CONVENTIONS[p].username
  if (convention) return { username: convention }
  return {
    refused: `not saved: git's username looks like a token (a token in the URL, as in https://TOKEN@host/?); ${p === 'generic' ? 'name the forge with git config credential.<url>.patProvider, or ' : ''}add the token with: git-credential-pat add`,
  }
}
