// Where to create a token: the provider's token page with the name and
// scopes filled in (CONVENTIONS in providers.ts), for `add` and the prompt.
import { CONVENTIONS, type Provider } from './providers.js'

/**
 * The token page for a host (`host[:port]` as in a URL) and, for GitHub, the
 * fine-grained page too; an http:// forge gets http links. Empty for a
 * provider without one (generic).
 */
export function tokenLinks(
  provider: Provider,
  protocol: 'https' | 'http',
  host: string,
  name: string,
  path: readonly string[],
): { link?: string; extra: string[] } {
  const web = (u: string | undefined) => (u && protocol === 'http' ? u.replace(/^https:/, 'http:') : u)
  const link = web(CONVENTIONS[provider].tokenPage?.(host, name, [...path]))
  const extra = provider === 'github' ? [`fine-grained: ${web(`https://${host}/settings/personal-access-tokens/new`)}`] : []
  return { link, extra }
}
