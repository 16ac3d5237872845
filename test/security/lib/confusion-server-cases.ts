// Confusion cases that real git sends to the loopback server (127.0.0.1,
// localhost and [::1] on one port): the server records which token each
// request carried. docs/git-credential-pat.md, "Scopes", is the contract; comments say where a case
// follows git's or curl's handling of the URL rather than ours.
import type { ServerCase, ServerGroup } from './confusion-run.js'

const o = (p: number) => `http://127.0.0.1:${p}`
const lh = (p: number) => `http://localhost:${p}`
const v6 = (p: number) => `http://[::1]:${p}`
/** A port that is not the server's. */
const otherPort = (p: number) => (p === 65535 ? p - 1 : p + 1)
const noPath = (p: number, host = '127.0.0.1'): Array<[string, string]> => [[`credential.http://${host}:${p}.useHttpPath`, 'false']]

const REPOS = [
  'group/a',
  'group/sub/b',
  'group/sub/deeper/c',
  'groupie/a',
  'group',
  'group/repo',
  'group/repo-fork',
  'group/repo/sub',
  'group/repo.git.git',
  'Group/a',
  'lib.git/x',
  'lib/x',
  'plain/r',
  'plain/r.git.git',
  'deep/a/b/c',
  'deep/a/b',
  'deep/a/bc/d',
  'pct/Ab',
  'other/x',
]

/** Path scopes only: nothing host-wide, so a path mismatch means no token at all. */
const paths: ServerGroup = {
  name: 'server: path scopes without a host token',
  repos: REPOS,
  tokens: p => [
    { key: 'G', scope: `${o(p)}/group/*`, username: 'ci' },
    { key: 'R', scope: `${o(p)}/group/repo`, username: 'ci' },
    { key: 'LIB', scope: `${o(p)}/lib.git/*`, username: 'ci' },
    { key: 'P', scope: `${o(p)}/plain/r.git`, username: 'ci' },
    { key: 'D', scope: `${o(p)}/deep/a/b/*`, username: 'ci' },
    { key: 'PCT', scope: `${o(p)}/pct/Ab`, username: 'ci' },
  ],
  cases: p => [
    { name: 'group/* is sent to group/a', url: `${o(p)}/group/a.git`, expect: 'G' },
    { name: 'group/* is sent to group/a without .git', url: `${o(p)}/group/a`, expect: 'G' },
    { name: 'group/* is sent to group/sub/b (any depth)', url: `${o(p)}/group/sub/b.git`, expect: 'G' },
    { name: 'group/* is sent to group/sub/deeper/c', url: `${o(p)}/group/sub/deeper/c.git`, expect: 'G' },
    { name: 'group/* is never sent to groupie/a', url: `${o(p)}/groupie/a.git`, expect: null },
    // "every repository under group/"; the repository group.git is not under it.
    { name: 'group/* is not sent to the repository group itself', url: `${o(p)}/group.git`, expect: null },
    { name: 'group/* is not sent to Group/a (paths are case-sensitive)', url: `${o(p)}/Group/a.git`, expect: null },
    { name: 'the repo token wins over group/* for group/repo', url: `${o(p)}/group/repo.git`, expect: 'R' },
    { name: 'the repo token is sent to group/repo without .git', url: `${o(p)}/group/repo`, expect: 'R' },
    { name: 'the repo token is sent to group/repo/ (trailing slash)', url: `${o(p)}/group/repo/`, expect: 'R' },
    { name: 'group/repo never covers group/repo-fork (group/* does)', url: `${o(p)}/group/repo-fork.git`, expect: 'G' },
    { name: 'group/repo never covers group/repo/sub (group/* does)', url: `${o(p)}/group/repo/sub.git`, expect: 'G' },
    { name: 'only one .git is ignored: group/repo.git.git is not group/repo', url: `${o(p)}/group/repo.git.git`, expect: 'G' },
    // Group segments are never altered.
    { name: 'lib.git/* is sent to lib.git/x.git', url: `${o(p)}/lib.git/x.git`, expect: 'LIB' },
    { name: 'lib.git/* is sent to lib.git/x', url: `${o(p)}/lib.git/x`, expect: 'LIB' },
    { name: 'lib.git/* is never sent to lib/x', url: `${o(p)}/lib/x.git`, expect: null },
    { name: 'plain/r.git (scope) is sent to plain/r.git', url: `${o(p)}/plain/r.git`, expect: 'P' },
    { name: 'plain/r.git (scope) is sent to plain/r', url: `${o(p)}/plain/r`, expect: 'P' },
    { name: 'plain/r.git (scope) is not sent to plain/r.git.git', url: `${o(p)}/plain/r.git.git`, expect: null },
    { name: 'deep/a/b/* is sent to deep/a/b/c', url: `${o(p)}/deep/a/b/c.git`, expect: 'D' },
    { name: 'deep/a/b/* is not sent to deep/a/b itself', url: `${o(p)}/deep/a/b.git`, expect: null },
    { name: 'deep/a/b/* is not sent to deep/a/bc/d', url: `${o(p)}/deep/a/bc/d.git`, expect: null },
    // git decodes the path before asking (credential_from_url), and the server reads the same repository.
    { name: '%41 in the URL is decoded: pct/%41b is pct/Ab', url: `${o(p)}/pct/%41b.git`, expect: 'PCT' },
    { name: 'gr%6Fup/a is group/a', url: `${o(p)}/gr%6Fup/a.git`, expect: 'G' },
    { name: 'group%2Fa (git decodes it, the server serves group/a) gets group/*', url: `${o(p)}/group%2Fa.git`, expect: 'G' },
    // curl removes dot segments before sending and git asks for the URL it was redirected to.
    { name: 'group/./a is group/a', url: `${o(p)}/group/./a.git`, expect: 'G' },
    { name: 'other/../group/a reaches group/a and gets group/*', url: `${o(p)}/other/../group/a.git`, expect: 'G', alsoOk: [null] },
    { name: 'group/../other/x never gets group/*', url: `${o(p)}/group/../other/x.git`, expect: null },
    { name: 'group/sub/../../other/x never gets group/*', url: `${o(p)}/group/sub/../../other/x.git`, expect: null },
    { name: 'group/repo-fork/../repo gets the repo token', url: `${o(p)}/group/repo-fork/../repo.git`, expect: 'R', alsoOk: [null] },
    { name: '//group/a (doubled leading slash) is group/a', url: `${o(p)}//group/a.git`, expect: 'G' },
    { name: 'group//a (doubled slash) is group/a', url: `${o(p)}/group//a.git`, expect: 'G' },
    { name: 'x//group/a is not under group/', url: `${o(p)}/other//group/a.git`, expect: null },
    { name: 'a path outside every scope gets nothing', url: `${o(p)}/other/x.git`, expect: null },
    { name: 'tokens for 127.0.0.1 are not sent to localhost', url: `${lh(p)}/group/a.git`, expect: null },
    { name: 'tokens for 127.0.0.1 are not sent to [::1]', url: `${v6(p)}/group/a.git`, expect: null },
    { name: 'useHttpPath off: group/* is not sent (git sends no path)', url: `${o(p)}/group/a.git`, config: noPath(p), expect: null },
    { name: 'useHttpPath off: the repo token is not sent', url: `${o(p)}/group/repo.git`, config: noPath(p), expect: null },
  ],
}

/** A host token next to path tokens: the most specific wins, the host token covers the rest. */
const hostAndPaths: ServerGroup = {
  name: 'server: host token with path scopes',
  repos: ['group/a', 'group/repo', 'group/repo-fork', 'groupie/a', 'group', 'other/x'],
  tokens: p => [
    { key: 'H', scope: o(p), username: 'ci' },
    { key: 'G', scope: `${o(p)}/group/*`, username: 'ci' },
    { key: 'R', scope: `${o(p)}/group/repo.git`, username: 'ci' },
  ],
  cases: p => [
    { name: 'longest prefix: group/* over the host for group/a', url: `${o(p)}/group/a.git`, expect: 'G' },
    { name: 'exact repository over group/* and host', url: `${o(p)}/group/repo.git`, expect: 'R' },
    { name: 'group/repo-fork gets group/*, not the repo token', url: `${o(p)}/group/repo-fork.git`, expect: 'G' },
    { name: 'groupie/a gets the host token, not group/*', url: `${o(p)}/groupie/a.git`, expect: 'H' },
    { name: 'the repository group gets the host token', url: `${o(p)}/group.git`, expect: 'H' },
    { name: 'other/x gets the host token', url: `${o(p)}/other/x.git`, expect: 'H' },
    { name: 'group/../other/x gets the host token, not group/*', url: `${o(p)}/group/../other/x.git`, expect: 'H' },
    { name: 'useHttpPath off: group/a gets the host token only', url: `${o(p)}/group/a.git`, config: noPath(p), expect: 'H' },
    { name: 'useHttpPath off: group/repo gets the host token only', url: `${o(p)}/group/repo.git`, config: noPath(p), expect: 'H' },
    { name: 'useHttpPath off: other/x gets the host token', url: `${o(p)}/other/x.git`, config: noPath(p), expect: 'H' },
    { name: 'nothing for localhost (tokens are for 127.0.0.1)', url: `${lh(p)}/group/a.git`, expect: null },
    { name: 'nothing for [::1] (tokens are for 127.0.0.1)', url: `${v6(p)}/other/x.git`, expect: null },
    // git reads username=127.0.0.1 and host=localhost; the request goes to localhost.
    { name: 'userinfo trick http://127.0.0.1@localhost gets nothing', url: `http://127.0.0.1@localhost:${p}/group/a.git`, expect: null },
    // git stops the host at '#': the request goes to localhost.
    { name: 'fragment trick http://localhost#@127.0.0.1 gets nothing', url: `${lh(p)}#@127.0.0.1:${p}/group/a.git`, expect: null },
    { name: 'username pinning: alice@ gets none of the ci tokens', url: `http://alice@127.0.0.1:${p}/other/x.git`, expect: null },
    { name: 'username pinning: ci@ gets its token', url: `http://ci@127.0.0.1:${p}/group/a.git`, expect: 'G', user: 'ci' },
  ],
}

const single = (name: string, scope: (p: number) => string, cases: (p: number) => ServerCase[]): ServerGroup => ({
  name,
  repos: ['group/a', 'other/x'],
  tokens: p => [{ key: 'T', scope: scope(p), username: 'ci' }],
  cases,
})

const v4Host = single('server: a host token for http://127.0.0.1:PORT', o, p => [
  { name: '127.0.0.1:PORT gets it', url: `${o(p)}/other/x.git`, expect: 'T' },
  { name: 'localhost:PORT does not', url: `${lh(p)}/other/x.git`, expect: null },
  { name: '[::1]:PORT does not', url: `${v6(p)}/other/x.git`, expect: null },
  { name: 'git@-style user is pinned: git@127.0.0.1 does not', url: `http://git@127.0.0.1:${p}/other/x.git`, expect: null },
])

const localhost = single('server: a host token for http://localhost:PORT', lh, p => [
  { name: 'localhost:PORT gets it', url: `${lh(p)}/other/x.git`, expect: 'T' },
  { name: 'LocalHost:PORT gets it (hosts compare case-insensitively)', url: `http://LocalHost:${p}/other/x.git`, expect: 'T' },
  { name: 'LOCALHOST:PORT gets it', url: `http://LOCALHOST:${p}/group/a.git`, expect: 'T' },
  { name: '127.0.0.1:PORT does not', url: `${o(p)}/other/x.git`, expect: null },
  { name: '[::1]:PORT does not', url: `${v6(p)}/other/x.git`, expect: null },
])

const ipv6 = single('server: a host token for http://[::1]:PORT', v6, p => [
  { name: '[::1]:PORT gets it', url: `${v6(p)}/other/x.git`, expect: 'T' },
  { name: 'localhost:PORT does not', url: `${lh(p)}/other/x.git`, expect: null },
  { name: '127.0.0.1:PORT does not', url: `${o(p)}/other/x.git`, expect: null },
])

const upperScope = single(
  'server: a scope written LOCALHOST',
  p => `http://LOCALHOST:${p}`,
  p => [{ name: 'localhost:PORT gets it', url: `${lh(p)}/other/x.git`, expect: 'T' }],
)

/** Tokens that look close to http://127.0.0.1:PORT but are not it. */
const wrongOrigin: ServerGroup = {
  name: 'server: tokens for other ports and protocols',
  repos: ['group/a', 'other/x'],
  tokens: p => [
    { key: 'HTTPS', scope: `https://127.0.0.1:${p}`, username: 'ci' },
    // No protocol means https only.
    { key: 'NOPROTO', scope: `127.0.0.1:${p}`, username: 'ci' },
    { key: 'NOPROTO_PATH', scope: `127.0.0.1:${p}/group/*`, username: 'ci' },
    // Port 80 is http's default: this is http://127.0.0.1, not :PORT.
    { key: 'P80', scope: 'http://127.0.0.1:80', username: 'ci' },
    { key: 'OTHER', scope: `http://127.0.0.1:${otherPort(p)}`, username: 'ci' },
    { key: 'LH_OTHER', scope: `http://localhost:${otherPort(p)}`, username: 'ci' },
    { key: 'V6_NOPORT', scope: 'http://[::1]', username: 'ci' },
  ],
  cases: p => [
    { name: 'http://127.0.0.1:PORT gets no https, port-80 or other-port token', url: `${o(p)}/other/x.git`, expect: null },
    { name: 'http://127.0.0.1:PORT/group/a gets no https group token', url: `${o(p)}/group/a.git`, expect: null },
    { name: 'http://localhost:PORT gets no localhost:OTHER token', url: `${lh(p)}/other/x.git`, expect: null },
    { name: 'http://[::1]:PORT gets no port-less [::1] token', url: `${v6(p)}/other/x.git`, expect: null },
  ],
}

/** Username pinning: with a user in the URL, only that user's tokens. */
const users: ServerGroup = {
  name: 'server: username pinning',
  repos: ['group/repo', 'other/x'],
  tokens: p => [
    { key: 'ALICE', scope: o(p), username: 'alice', expires: '2099-06-01' },
    { key: 'BOB', scope: o(p), username: 'bob', expires: '2099-01-01' },
    { key: 'ALICE_REPO', scope: `${o(p)}/group/repo`, username: 'alice' },
  ],
  cases: p => [
    { name: "alice@ gets alice's token", url: `http://alice@127.0.0.1:${p}/other/x.git`, expect: 'ALICE', user: 'alice' },
    { name: "bob@ gets bob's token", url: `http://bob@127.0.0.1:${p}/other/x.git`, expect: 'BOB', user: 'bob' },
    { name: 'carol@ gets nothing', url: `http://carol@127.0.0.1:${p}/other/x.git`, expect: null },
    { name: 'Alice@ gets nothing (usernames are exact)', url: `http://Alice@127.0.0.1:${p}/other/x.git`, expect: null },
    { name: 'al%69ce@ is alice (git decodes the username)', url: `http://al%69ce@127.0.0.1:${p}/other/x.git`, expect: 'ALICE', user: 'alice' },
    { name: 'alice%40evil@ gets nothing', url: `http://alice%40evil@127.0.0.1:${p}/other/x.git`, expect: null },
    { name: 'no user: the latest expiry, sent with its own username', url: `${o(p)}/other/x.git`, expect: 'ALICE', user: 'alice' },
    { name: "bob@ on group/repo gets bob's host token, not alice's repo token", url: `http://bob@127.0.0.1:${p}/group/repo.git`, expect: 'BOB', user: 'bob' },
    { name: "alice@ on group/repo gets alice's repo token", url: `http://alice@127.0.0.1:${p}/group/repo.git`, expect: 'ALICE_REPO', user: 'alice' },
    { name: 'no user on group/repo gets the repo token', url: `${o(p)}/group/repo.git`, expect: 'ALICE_REPO', user: 'alice' },
    { name: 'bob@localhost gets nothing', url: `http://bob@localhost:${p}/other/x.git`, expect: null },
  ],
}

/** A username given in the scope URL pins the token as --username does. */
const scopeUser: ServerGroup = {
  name: 'server: username from the scope URL',
  repos: ['other/x'],
  tokens: p => [{ key: 'AS', scope: `http://alice@127.0.0.1:${p}` }],
  cases: p => [
    { name: 'alice@ gets it', url: `http://alice@127.0.0.1:${p}/other/x.git`, expect: 'AS', user: 'alice' },
    { name: 'no user gets it, as alice', url: `${o(p)}/other/x.git`, expect: 'AS', user: 'alice' },
    { name: 'bob@ does not', url: `http://bob@127.0.0.1:${p}/other/x.git`, expect: null },
  ],
}

/** A full clone URL as the scope is reduced to that repository. */
const cloneUrl: ServerGroup = {
  name: 'server: a clone URL as the scope',
  repos: ['group/repo', 'group/repo-fork', 'group/a'],
  tokens: p => [{ key: 'URL', scope: `${o(p)}/group/repo.git`, username: 'ci' }],
  cases: p => [
    { name: 'group/repo gets it', url: `${o(p)}/group/repo.git`, expect: 'URL' },
    { name: 'group/repo-fork does not', url: `${o(p)}/group/repo-fork.git`, expect: null },
    { name: 'group/a does not', url: `${o(p)}/group/a.git`, expect: null },
  ],
}

export const serverGroups: ServerGroup[] = [paths, hostAndPaths, v4Host, localhost, ipv6, upperScope, wrongOrigin, users, scopeUser, cloneUrl]
