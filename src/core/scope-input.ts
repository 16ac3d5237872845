// Scopes as people type them (docs/git-credential-pat.md, "Scopes"): a group without its host
// (`team/*`) is refused with a suggestion, and a repository page copied from
// the browser (`…/-/tree/main`, `…/pull/1`, `…/src/main`) stands for its
// repository. Pure: callers pass the hosts they know and the provider.
import { PatError } from '../errors.js'
import { formatScope, parseScope, type ParsedScope, type Scope } from './scope.js'

/**
 * parseScope for text a person typed: refuses a path without a host. A
 * first segment without a dot, a port or brackets, followed by a path, is
 * a group name, not a host (`team/*`); a dotless intranet host is still
 * accepted with its protocol (`https://git/team/*`) or alone (`git`).
 * `knownHosts` are `[http://]HOST[:PORT]` of existing tokens: with exactly
 * one, the suggestion names it.
 */
export function parseTypedScope(text: string, knownHosts: readonly string[] = []): ParsedScope {
  const t = text.trim()
  const m = /^([^/:@[\]]+)\/(.*)$/.exec(t)
  if (m && !m[1].includes('.') && m[1].toLowerCase() !== 'localhost' && !t.includes('://')) {
    const hosts = [...new Set(knownHosts)]
    const host = hosts.length === 1 ? hosts[0] : '<host>'
    const shown = t.length > 120 || /[\x00-\x1f\x7f]/.test(t) ? 'that scope' : `'${t}'`
    throw new PatError(
      'SCOPE',
      `scope ${shown} has no host: did you mean ${host}/${t}? (a host name without a dot needs its protocol: https://${m[1]}/${m[2]})`,
    )
  }
  return parseScope(t)
}

/** `[http://]HOST[:PORT]` of a scope: what parseTypedScope's suggestion puts in front. */
export const hostPart = (s: Scope): string => formatScope({ ...s, path: [], wildcard: false })

/**
 * Segments that follow `owner/repo` in a page's URL on GitHub, Gitea/Forgejo
 * and Bitbucket (`/tree/main`, `/src/branch/main`, `/pull/1`,
 * `/pull-requests/1`, `/issues` …), never the repository itself.
 */
const PAGES = new Set([
  'tree',
  'blob',
  'src',
  'raw',
  'blame',
  'commit',
  'commits',
  'branches',
  'tags',
  'releases',
  'compare',
  'pull',
  'pulls',
  'pull-requests',
  'issues',
  'actions',
  'wiki',
  'settings',
  'milestones',
  'labels',
  'activity',
  'projects',
  'packages',
  'security',
  'pulse',
  'graphs',
  'network',
  'discussions',
  'downloads',
  'pipelines',
  'addon',
])

/**
 * The repository a browser URL shows, when the scope is one of its pages:
 * GitLab puts pages after a `-` segment (`g/sub/r/-/tree/main`, `…/-/merge_requests/1`),
 * which no group or project may be named; GitHub, Gitea and Bitbucket put
 * them after `owner/repo`. Launchpad's `+` paths and wildcards are left
 * alone. Returns null when there is nothing to reduce.
 */
export function repositoryOfPage(s: ParsedScope, provider: string): ParsedScope | null {
  if (s.wildcard || provider === 'launchpad') return null
  const dash = s.path.indexOf('-')
  if (dash >= 2) return { ...s, path: s.path.slice(0, dash) }
  if (provider !== 'gitlab' && s.path.length > 2 && PAGES.has(s.path[2])) return { ...s, path: s.path.slice(0, 2) }
  return null
}
