// Forge conventions: which username git must send and where the
// user makes a token. Known hosts get theirs by default; `--provider` or git
// config `credential.<url>.patProvider` sets them for self-hosted instances.

export const PROVIDERS = ['gitlab', 'github', 'bitbucket', 'gitea', 'launchpad', 'generic'] as const
export type Provider = (typeof PROVIDERS)[number]

interface Convention {
  /** The username git must send; undefined = the user's account name. */
  username?: string
  /** Where to make a token; `path` is the repository git asked about, if known. */
  tokenPage?: (host: string, name: string, path: string[]) => string | undefined
}

export const CONVENTIONS: Record<Provider, Convention> = {
  // GitLab accepts any non-empty username with a token; `oauth2` by convention.
  gitlab: {
    username: 'oauth2',
    tokenPage: (h, n) => `https://${h}/-/user_settings/personal_access_tokens?name=${encodeURIComponent(n)}&scopes=read_repository,write_repository`,
  },
  github: {
    username: 'x-access-token',
    tokenPage: (h, n) => `https://${h}/settings/tokens/new?description=${encodeURIComponent(n)}&scopes=repo`,
  },
  // Bitbucket Cloud repository/project/workspace access tokens: x-token-auth. A workspace's
  // are under its settings › Access tokens
  // (https://support.atlassian.com/bitbucket-cloud/docs/create-a-workspace-access-token/).
  bitbucket: {
    username: 'x-token-auth',
    tokenPage: (h, _n, p) =>
      p.length >= 2 ? `https://${h}/${p[0]}/${p[1]}/admin/access-tokens` : p.length === 1 ? `https://${h}/${p[0]}/workspace/settings/access-tokens` : undefined,
  },
  gitea: { tokenPage: h => `https://${h}/user/settings/applications` },
  // The repository's "Manage Access Tokens" page lives on code.launchpad.net.
  launchpad: {
    tokenPage: (h, _n, p) => (p.length ? `https://${h.replace(/^git\./, 'code.')}/${p.join('/')}/+access-tokens` : undefined),
  },
  generic: {},
}

const KNOWN_HOSTS: Record<string, Provider> = {
  'gitlab.com': 'gitlab',
  'foss.heptapod.net': 'gitlab',
  'github.com': 'github',
  'bitbucket.org': 'bitbucket',
  'gitea.com': 'gitea',
  'codeberg.org': 'gitea',
  'git.launchpad.net': 'launchpad',
  'launchpad.net': 'launchpad',
}

/** The provider for a host by name alone (known hosts and obvious names). */
export function guessProvider(host: string): Provider {
  const h = host.toLowerCase()
  if (KNOWN_HOSTS[h]) return KNOWN_HOSTS[h]
  if (/(^|\.)(gitlab|heptapod)[.-]/.test(h) || h.startsWith('gitlab.')) return 'gitlab'
  if (/(^|\.)github\./.test(h)) return 'github'
  if (/(^|\.)(gitea|forgejo|codeberg)[.-]/.test(h)) return 'gitea'
  return 'generic'
}

export function isProvider(p: string): p is Provider {
  return (PROVIDERS as readonly string[]).includes(p)
}

/**
 * The token name `add` and the prompt suggest: `<host>[-<path>]-<machine
 * hostname>`, the path being the scope's group or repository, so tokens of
 * one host for different scopes get different names (`gitlab.com-team-vm`
 * for `gitlab.com/team/*`). Callers make it unique (-2, -3 …).
 */
export function defaultTokenName(host: string, machine: string, path: readonly string[] = []): string {
  const name = [host.replace(/[[\]:]/g, ''), ...path, machine.split('.')[0]]
    .filter(Boolean)
    .join('-')
    .replace(/[^A-Za-z0-9._@+-]+/g, '_')
  // Room for a -N suffix within add's 128 characters.
  return name.slice(0, 120)
}
