// Confusion cases for hosts the loopback server cannot be (gitlab.com,
// look-alikes, IDN, other ports): real `git credential fill`, which parses
// `url=` exactly as it parses a remote URL (credential_from_url), applies
// credential.useHttpPath, and asks our helper. The answer is the password
// git would send. Attribute input (protocol/host/path) is used where git
// would have percent-decoded a URL path before we ever saw it.
import { attrs, url, type FillGroup } from './confusion-run.js'

// IDN: gitläb.com and a Cyrillic 'а' look-alike of gitlab.com, with their
// punycode (ACE) forms (node's url.domainToASCII).
const GITLAEB_UNICODE = 'gitläb.com'
const GITLAEB_ACE = 'xn--gitlb-jra.com'
const CYRILLIC_GITLAB = 'gitl\u0430b.com'
const CYRILLIC_GITLAB_ACE = 'xn--gitlb-7ve.com'

const lookAlikes: FillGroup = {
  name: 'fill: a host token for gitlab.com',
  tokens: [{ key: 'H', scope: 'gitlab.com', username: 'oauth2' }],
  cases: [
    { name: 'gitlab.com gets it', input: url('https://gitlab.com/g/r.git'), expect: 'H' },
    { name: 'GitLab.COM gets it (case-insensitive)', input: url('https://GitLab.COM/g/r.git'), expect: 'H' },
    { name: 'GITLAB.COM without a path gets it', input: url('https://GITLAB.COM'), expect: 'H' },
    // The absolute name gitlab.com. is the same DNS host; the docs are silent.
    { name: 'trailing dot gitlab.com. is the same host', input: url('https://gitlab.com./g/r.git'), expect: 'H' },
    { name: 'suffix gitlab.com.evil.net gets nothing', input: url('https://gitlab.com.evil.net/g/r.git'), expect: null },
    { name: 'suffix with trailing dot gitlab.com.evil.net. gets nothing', input: url('https://gitlab.com.evil.net./g/r.git'), expect: null },
    { name: 'prefix evilgitlab.com gets nothing', input: url('https://evilgitlab.com/g/r.git'), expect: null },
    { name: 'prefix evil-gitlab.com gets nothing', input: url('https://evil-gitlab.com/g/r.git'), expect: null },
    { name: 'subdomain sub.gitlab.com gets nothing', input: url('https://sub.gitlab.com/g/r.git'), expect: null },
    { name: 'truncated gitlab.co gets nothing', input: url('https://gitlab.co/g/r.git'), expect: null },
    { name: 'extended gitlab.comm gets nothing', input: url('https://gitlab.comm/g/r.git'), expect: null },
    { name: 'double trailing dot gitlab.com.. gets nothing', input: url('https://gitlab.com../g/r.git'), expect: null },
    { name: 'leading dot .gitlab.com gets nothing', input: url('https://.gitlab.com/g/r.git'), expect: null },
    { name: 'IDN look-alike (Cyrillic а) gets nothing', input: url(`https://${CYRILLIC_GITLAB}/g/r.git`), expect: null },
    { name: 'punycode of the look-alike gets nothing', input: url(`https://${CYRILLIC_GITLAB_ACE}/g/r.git`), expect: null },
    { name: "explicit :443 is https's default port", input: url('https://gitlab.com:443/g/r.git'), expect: 'H' },
    // RFC 3986 §3.2.3: an empty port means the default.
    { name: 'empty port gitlab.com: is the default port', input: url('https://gitlab.com:/g/r.git'), expect: 'H' },
    { name: ':8443 never matches a port-less scope', input: url('https://gitlab.com:8443/g/r.git'), expect: null },
    { name: ':80 on https is not the default port', input: url('https://gitlab.com:80/g/r.git'), expect: null },
    { name: 'http:// never gets a scope without protocol', input: url('http://gitlab.com/g/r.git'), expect: null },
    { name: 'http://gitlab.com:443 gets nothing', input: url('http://gitlab.com:443/g/r.git'), expect: null },
    { name: 'ftp:// gets nothing', input: url('ftp://gitlab.com/g/r.git'), expect: null },
    // git reads username=gitlab.com, host=evil.net.
    { name: 'userinfo trick https://gitlab.com@evil.net gets nothing', input: url('https://gitlab.com@evil.net/g/r.git'), expect: null },
    { name: 'userinfo trick with a path https://gitlab.com/@evil.net stays gitlab.com', input: url('https://gitlab.com/@evil.net/g/r.git'), expect: 'H' },
    // git ends the host at '#' or '?': host=evil.net.
    { name: 'fragment trick https://evil.net#@gitlab.com gets nothing', input: url('https://evil.net#@gitlab.com/g/r.git'), expect: null },
    { name: 'query trick https://evil.net?@gitlab.com gets nothing', input: url('https://evil.net?@gitlab.com/g/r.git'), expect: null },
    { name: 'path trick https://evil.net/@gitlab.com gets nothing', input: url('https://evil.net/@gitlab.com/g/r.git'), expect: null },
    // git decodes the host: gitlab.com.evil.net.
    { name: 'encoded dot gitlab.com%2Eevil.net gets nothing', input: url('https://gitlab.com%2Eevil.net/g/r.git'), expect: null },
    { name: 'username pinning: oauth2@ gets it', input: url('https://oauth2@gitlab.com/g/r.git'), expect: 'H' },
    { name: 'username pinning: someone@ gets nothing', input: url('https://someone@gitlab.com/g/r.git'), expect: null },
    { name: 'attributes protocol=https host=gitlab.com get it', input: attrs('https', 'gitlab.com'), expect: 'H' },
    { name: 'attributes host=gitlab.com:443 get it', input: attrs('https', 'gitlab.com:443'), expect: 'H' },
    { name: 'attributes host=gitlab.com:8443 get nothing', input: attrs('https', 'gitlab.com:8443'), expect: null },
    { name: 'attributes host=gitlab.com.evil.net get nothing', input: attrs('https', 'gitlab.com.evil.net'), expect: null },
  ],
}

const idn: FillGroup = {
  name: 'fill: a token for the punycode host xn--gitlb-jra.com',
  tokens: [{ key: 'PY', scope: GITLAEB_ACE, username: 'u' }],
  cases: [
    { name: 'the punycode host gets it', input: url(`https://${GITLAEB_ACE}/g/r.git`), expect: 'PY' },
    { name: 'the punycode host in capitals gets it', input: url(`https://${GITLAEB_ACE.toUpperCase()}/g/r.git`), expect: 'PY' },
    // Hosts compare exactly; git sends the Unicode text as typed.
    { name: 'the Unicode spelling gitläb.com is not compared equal (exact hosts)', input: url(`https://${GITLAEB_UNICODE}/g/r.git`), expect: null },
    { name: 'plain gitlab.com gets nothing', input: url('https://gitlab.com/g/r.git'), expect: null },
    { name: 'the punycode host as a suffix gets nothing', input: url(`https://${GITLAEB_ACE}.evil.net/g/r.git`), expect: null },
  ],
}

const loopbackNames: FillGroup = {
  name: 'fill: [::1], 127.0.0.1 and localhost:8443',
  tokens: [
    { key: 'V6', scope: 'https://[::1]', username: 'u' },
    { key: 'V4', scope: 'https://127.0.0.1', username: 'u' },
    { key: 'LH8443', scope: 'localhost:8443', username: 'u' },
  ],
  cases: [
    { name: '[::1] gets the IPv6 token', input: url('https://[::1]/g/r.git'), expect: 'V6' },
    { name: '[::1]:443 gets the IPv6 token', input: url('https://[::1]:443/g/r.git'), expect: 'V6' },
    { name: '[::1]:8443 gets nothing', input: url('https://[::1]:8443/g/r.git'), expect: null },
    { name: 'http://[::1] gets nothing (https scope)', input: url('http://[::1]/g/r.git'), expect: null },
    // The same address spelled longhand; hosts compare exactly (either answer is safe).
    { name: '[0:0:0:0:0:0:0:1] gets the IPv6 token or nothing, never another', input: url('https://[0:0:0:0:0:0:0:1]/g/r.git'), expect: null, alsoOk: ['V6'] },
    { name: '[::ffff:127.0.0.1] gets nothing', input: url('https://[::ffff:127.0.0.1]/g/r.git'), expect: null },
    { name: '127.0.0.1 gets the IPv4 token', input: url('https://127.0.0.1/g/r.git'), expect: 'V4' },
    { name: '127.0.0.1:8443 gets nothing', input: url('https://127.0.0.1:8443/g/r.git'), expect: null },
    { name: '127.0.0.1.evil.net gets nothing', input: url('https://127.0.0.1.evil.net/g/r.git'), expect: null },
    { name: 'shorthand 127.1 gets nothing (exact hosts)', input: url('https://127.1/g/r.git'), expect: null },
    { name: 'localhost (no port) gets nothing', input: url('https://localhost/g/r.git'), expect: null },
    { name: 'localhost:8443 gets its token', input: url('https://localhost:8443/g/r.git'), expect: 'LH8443' },
    { name: 'localhost.localdomain:8443 gets nothing', input: url('https://localhost.localdomain:8443/g/r.git'), expect: null },
  ],
}

const H = 'git.example.com'
const gx = (path: string) => url(`https://${H}/${path}`)
const rawPath = (path: string) => attrs('https', H, path)
const noPath: Array<[string, string]> = [[`credential.https://${H}.useHttpPath`, 'false']]

const pathScopes: FillGroup = {
  name: 'fill: path scopes on git.example.com',
  tokens: [
    { key: 'G', scope: `${H}/group/*`, username: 'u' },
    { key: 'R', scope: `${H}/group/repo`, username: 'u' },
    { key: 'LIB', scope: `${H}/lib.git/*`, username: 'u' },
    { key: 'P', scope: `https://${H}/plain/r.git`, username: 'u' },
    { key: 'D', scope: `${H}/deep/a/b/*`, username: 'u' },
    { key: 'PCT', scope: `${H}/pct/Ab`, username: 'u' },
  ],
  cases: [
    { name: 'group/a gets group/*', input: gx('group/a.git'), expect: 'G' },
    { name: 'group/sub/b gets group/*', input: gx('group/sub/b'), expect: 'G' },
    { name: 'groupie/a gets nothing', input: gx('groupie/a.git'), expect: null },
    { name: 'group itself gets nothing', input: gx('group'), expect: null },
    { name: 'group/ (trailing slash) gets nothing', input: gx('group/'), expect: null },
    { name: 'group.git gets nothing', input: gx('group.git'), expect: null },
    { name: 'GROUP/a gets nothing', input: gx('GROUP/a.git'), expect: null },
    { name: 'group/repo.git gets the repo token', input: gx('group/repo.git'), expect: 'R' },
    { name: 'group/repo.git/ gets the repo token', input: gx('group/repo.git/'), expect: 'R' },
    { name: 'group/repo-fork gets group/*, never the repo token', input: gx('group/repo-fork'), expect: 'G' },
    { name: 'group/repo.git.git is not group/repo', input: gx('group/repo.git.git'), expect: 'G' },
    { name: 'group/repo.gitx is not group/repo', input: gx('group/repo.gitx'), expect: 'G' },
    { name: 'group/repo/sub is not group/repo', input: gx('group/repo/sub.git'), expect: 'G' },
    { name: 'lib.git/x.git gets lib.git/*', input: gx('lib.git/x.git'), expect: 'LIB' },
    { name: 'lib/x never gets lib.git/*', input: gx('lib/x.git'), expect: null },
    { name: 'lib.git itself gets nothing', input: gx('lib.git'), expect: null },
    { name: 'lib.git.git/x gets nothing', input: gx('lib.git.git/x.git'), expect: null },
    { name: 'plain/r gets plain/r.git', input: gx('plain/r'), expect: 'P' },
    { name: 'plain/r.git.git does not get plain/r.git', input: gx('plain/r.git.git'), expect: null },
    { name: 'deep/a/b/c gets deep/a/b/*', input: gx('deep/a/b/c.git'), expect: 'D' },
    { name: 'deep/a/b gets nothing', input: gx('deep/a/b.git'), expect: null },
    { name: 'deep/a/bc/d gets nothing', input: gx('deep/a/bc/d.git'), expect: null },
    // git cuts nothing after '?' or '#' in the path; the helper must not read past them.
    { name: 'groupie?/group/a gets nothing', input: gx('groupie?/group/a.git'), expect: null },
    { name: 'other#/group/a gets nothing', input: gx('other#/group/a.git'), expect: null },
    { name: 'group/../other/x never gets group/*', input: gx('group/../other/x.git'), expect: null },
    { name: 'group/a/.. never gets group/*', input: gx('group/a/..'), expect: null },
    { name: 'group/%2e%2e/other/x (git decodes to ..) never gets group/*', input: gx('group/%2e%2e/other/x.git'), expect: null },
    { name: 'other/../group/a gets group/* or nothing', input: gx('other/../group/a.git'), expect: 'G', alsoOk: [null] },
    { name: 'group/./a gets group/*', input: gx('group/./a.git'), expect: 'G' },
    { name: './group/a gets group/*', input: gx('./group/a.git'), expect: 'G' },
    { name: 'group//a gets group/*', input: gx('group//a.git'), expect: 'G' },
    { name: '//group/a gets group/*', input: url(`https://${H}//group/a.git`), expect: 'G' },
    { name: 'path=group%2Fa: an encoded / inside a segment is refused', input: rawPath('group%2Fa'), expect: null },
    { name: 'path=group/a%2Fb: an encoded / inside a segment is refused', input: rawPath('group/a%2Fb.git'), expect: null },
    { name: 'path=group%2F..%2Fother/x is refused', input: rawPath('group%2F..%2Fother/x'), expect: null },
    { name: 'path=group/%2E%2E/other/x is refused', input: rawPath('group/%2E%2E/other/x.git'), expect: null },
    { name: 'path=gr%6Fup/a is decoded to group/a', input: rawPath('gr%6Fup/a.git'), expect: 'G' },
    { name: 'path=%67roup/repo is decoded to group/repo', input: rawPath('%67roup/repo.git'), expect: 'R' },
    { name: 'path=pct/%41b is decoded to pct/Ab', input: rawPath('pct/%41b.git'), expect: 'PCT' },
    { name: 'path=pct/%2541b is decoded once, not twice', input: rawPath('pct/%2541b.git'), expect: null },
    { name: 'path=group/repo%2Egit is group/repo.git', input: rawPath('group/repo%2Egit'), expect: 'R' },
    { name: 'path=/group/a (leading slash) gets group/*', input: rawPath('/group/a.git'), expect: 'G' },
    { name: 'path=group/repo/ (trailing slash) gets the repo token', input: rawPath('group/repo/'), expect: 'R' },
    { name: 'GIT.EXAMPLE.COM/group/a gets group/*', input: url(`https://GIT.EXAMPLE.COM/group/a.git`), expect: 'G' },
    { name: ':8443/group/a gets nothing', input: url(`https://${H}:8443/group/a.git`), expect: null },
    { name: 'http://…/group/a gets nothing', input: url(`http://${H}/group/a.git`), expect: null },
    { name: 'useHttpPath off: group/a gets nothing', input: gx('group/a.git'), config: noPath, expect: null },
    { name: 'useHttpPath off: group/repo gets nothing', input: gx('group/repo.git'), config: noPath, expect: null },
  ],
}

const protocols: FillGroup = {
  name: 'fill: http and https scopes',
  tokens: [
    { key: 'S6', scope: 'h6.example', username: 'u' },
    { key: 'P6', scope: 'http://h6.example', username: 'u' },
    { key: 'S3', scope: 'https://h3.example', username: 'u' },
    { key: 'P4', scope: 'http://h4.example', username: 'u' },
    { key: 'P5', scope: 'http://h5.example:8080', username: 'u' },
  ],
  cases: [
    { name: 'http://h6 gets the http:// token', input: url('http://h6.example/g/r.git'), expect: 'P6' },
    { name: 'https://h6 gets the https token', input: url('https://h6.example/g/r.git'), expect: 'S6' },
    { name: 'http://h3 does not get an https token', input: url('http://h3.example/g/r.git'), expect: null },
    { name: 'https://h3 gets it', input: url('https://h3.example/g/r.git'), expect: 'S3' },
    // An http:// scope names that origin only; the docs are silent on https for it.
    { name: 'https://h4 does not get an http:// token (another origin)', input: url('https://h4.example/g/r.git'), expect: null },
    { name: 'http://h4 gets it', input: url('http://h4.example/g/r.git'), expect: 'P4' },
    { name: "http://h4:80 is http's default port", input: url('http://h4.example:80/g/r.git'), expect: 'P4' },
    { name: 'http://h4:443 gets nothing', input: url('http://h4.example:443/g/r.git'), expect: null },
    { name: 'http://h4:8080 gets nothing', input: url('http://h4.example:8080/g/r.git'), expect: null },
    { name: 'http://h5:8080 gets it', input: url('http://h5.example:8080/g/r.git'), expect: 'P5' },
    { name: 'http://h5 (port 80) gets nothing', input: url('http://h5.example/g/r.git'), expect: null },
    { name: 'https://h5:8080 gets nothing', input: url('https://h5.example:8080/g/r.git'), expect: null },
    { name: 'ftp://h3 gets nothing', input: url('ftp://h3.example/g/r.git'), expect: null },
  ],
}

const U = 'u.example'
const fillUsers: FillGroup = {
  name: 'fill: username pinning',
  tokens: [
    { key: 'ALICE', scope: U, username: 'alice', expires: '2099-06-01' },
    { key: 'BOB', scope: U, username: 'bob', expires: '2099-01-01' },
    { key: 'ALICE_REPO', scope: `${U}/group/repo`, username: 'alice' },
  ],
  cases: [
    { name: "alice@ gets alice's token", input: url(`https://alice@${U}/x.git`), expect: 'ALICE' },
    { name: "bob@ gets bob's token", input: url(`https://bob@${U}/x.git`), expect: 'BOB' },
    { name: 'carol@ gets nothing', input: url(`https://carol@${U}/x.git`), expect: null },
    { name: 'ALICE@ gets nothing', input: url(`https://ALICE@${U}/x.git`), expect: null },
    { name: 'al%69ce@ is alice', input: url(`https://al%69ce@${U}/x.git`), expect: 'ALICE' },
    { name: 'alice%40evil@ gets nothing', input: url(`https://alice%40evil@${U}/x.git`), expect: null },
    // git splits at the first '@' (host "evil@u.example"); curl would at the last.
    { name: 'alice@evil@host gets nothing', input: url(`https://alice@evil@${U}/x.git`), expect: null },
    { name: 'alice@ on u.example.evil.net gets nothing', input: url(`https://alice@${U}.evil.net/x.git`), expect: null },
    { name: 'no user: the latest expiry', input: url(`https://${U}/x.git`), expect: 'ALICE' },
    { name: "bob@ on group/repo gets bob's host token", input: url(`https://bob@${U}/group/repo.git`), expect: 'BOB' },
    { name: "alice@ on group/repo gets alice's repo token", input: url(`https://alice@${U}/group/repo.git`), expect: 'ALICE_REPO' },
    { name: 'no user on group/repo gets the repo token', input: url(`https://${U}/group/repo.git`), expect: 'ALICE_REPO' },
    { name: "attribute username=bob gets bob's token", input: `protocol=https\nhost=${U}\nusername=bob\n\n`, expect: 'BOB' },
  ],
}

/** Scopes written the many ways `add` accepts them reduce to one canonical scope. */
const spellings: FillGroup = {
  name: 'fill: scope spellings',
  tokens: [
    { key: 'UPPER', scope: 'GitLab.Example.ORG', username: 'u' },
    { key: 'P443', scope: 'https://h8.example:443/', username: 'u' },
    { key: 'P80', scope: 'HTTP://h9.example:80', username: 'u' },
    { key: 'DOT', scope: 'h10.example.', username: 'u' },
    { key: 'CLONE', scope: 'https://ci@h11.example/team/*' },
    { key: 'REPO', scope: 'https://h12.example/team/app.git/', username: 'u' },
  ],
  cases: [
    { name: 'a scope in capitals matches the lower-case host', input: url('https://gitlab.example.org/g/r.git'), expect: 'UPPER' },
    { name: 'a scope with :443 matches https without a port', input: url('https://h8.example/g/r.git'), expect: 'P443' },
    { name: 'a scope with :443 does not match :8443', input: url('https://h8.example:8443/g/r.git'), expect: null },
    { name: 'HTTP://…:80 matches http without a port', input: url('http://h9.example/g/r.git'), expect: 'P80' },
    { name: 'HTTP://…:80 never matches https', input: url('https://h9.example/g/r.git'), expect: null },
    { name: 'a scope with a trailing dot matches the host', input: url('https://h10.example/g/r.git'), expect: 'DOT' },
    { name: 'a clone URL with user and /* matches under the group', input: url('https://h11.example/team/app.git'), expect: 'CLONE' },
    { name: 'a clone URL with user ci@ does not match bob@', input: url('https://bob@h11.example/team/app.git'), expect: null },
    { name: 'a clone URL with user and /* does not match teamster/app', input: url('https://h11.example/teamster/app.git'), expect: null },
    { name: 'a repository scope written app.git/ matches team/app', input: url('https://h12.example/team/app'), expect: 'REPO' },
    { name: 'a repository scope written app.git/ does not match team/app.git.git', input: url('https://h12.example/team/app.git.git'), expect: null },
  ],
}

export const fillGroups: FillGroup[] = [lookAlikes, idn, loopbackNames, pathScopes, protocols, fillUsers, spellings]
