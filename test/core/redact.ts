// Recognising secrets in text we did not write (argv echoes, log fields).
import t from 'tap'
import { looksLikeToken, redactWords } from '../../src/core/redact.js'

t.test('looksLikeToken: forge token formats', async t => {
  const tokens = [
    'glpat-xxxxxxxxxxxxxxxxxxxx',
    'glpat-aB3dE5gH7jK9mN1pQ3rS',
    'glpat-Ab1.01.abcd1234', // newer GitLab tokens carry dots
    'gldt-Abc123Def456Ghi789Jk', // deploy token
    'glptt-0123456789abcdef0123456789abcdef01234567',
    'glrt-aBcDeF123456',
    'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
    'gho_16C7e42F292c6912E7710c838347Ae178B4a',
    'ghu_16C7e42F292c6912E7710c838347Ae178B4a',
    'ghs_16C7e42F292c6912E7710c838347Ae178B4a',
    'ghr_1B4a2e77838347a7E420ce178F2E7c6912E169246c34E1ccbF66C46812d16D5B1A9Dc86A1498',
    'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ012345',
    'ATBB3aHcNXg4KyMHcaK5pJ7ksqgCE0A1B2C3',
    'ATCTT3xFfGN0aBcD',
    'ATATT3xFfGF0T4nSl4yd8a3bTgeL1oBcD',
    // long random strings without a known prefix (Gitea, Azure DevOps, Launchpad …)
    'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
    '0123456789abcdef0123',
    'x7k2mq9zlw4p8rt3vb6ncyh5sd0fgj1e', // base32-ish
    'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==',
    'wlyd5ar2vqi4c6dxhd7m4hb5fxnwplmmrzzhkfc4o3kqzewfkdlq',
    'AbC-123_xyz-456_PQR-789',
  ]
  for (const w of tokens) t.equal(looksLikeToken(w), true, w)
})

t.test('looksLikeToken: not scopes, names, hosts, flags or words', async t => {
  const words = [
    // scopes and URLs
    'gitlab.com',
    'gitlab.com/group/*',
    'gitlab.com/group/repo',
    'https://gitlab.com/group/repo.git',
    'http://gitlab.example.com:8080/a1b2c3d4e5f6a7b8c9d0',
    'gitlab.com:8443',
    '[::1]:8080',
    'git@gitlab.com:group/repo.git',
    // hosts
    'codeberg.org',
    'git.launchpad.net',
    'dev.azure.com',
    'heptapod.host.example.com',
    // token names (default <host>-<machine>, and what people type)
    'gitlab.com-laptop',
    'github.com-build01.example',
    'work-gitlab',
    'ci-deploy-token',
    'personal-read-only-token',
    'my_gitlab_token',
    'deploy2027',
    // usernames and conventions
    'oauth2',
    'x-access-token',
    'x-token-auth',
    'alice@example.com',
    // flags and plain words
    '--token-stdin',
    '--expires',
    '2027-01-31',
    '90d',
    'read-write',
    'keychain',
    'env:GITLAB_TOKEN',
    'file:/run/secrets/gitlab_token_2027',
    'exec:pass show git/gitlab',
    'abcdefghijklmnopqrstuvwxyz', // long, but no digits
    'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
    '12345678901234567890123', // long, but no letters
    'short1',
    '',
  ]
  for (const w of words) t.equal(looksLikeToken(w), false, JSON.stringify(w))
})

t.test('redactWords hides tokens and keeps the rest', async t => {
  t.equal(
    redactWords('git-credential-pat add gitlab.com/group/* glpat-aB3dE5gH7jK9mN1pQ3rS --name work-gitlab'),
    'git-credential-pat add gitlab.com/group/* [redacted] --name work-gitlab',
  )
  t.equal(redactWords('a ghp_16C7e42F292c6912E7710c838347Ae178B4a,b'), 'a [redacted],b', 'comma separated')
  t.equal(redactWords('x\tghp_16C7e42F292c6912E7710c838347Ae178B4a\ny'), 'x\t[redacted]\ny', 'whitespace kept')
  // A URL git was given with a token in it (a log line's url field).
  t.equal(
    redactWords('https://git.example.com/team/ghp_16C7e42F292c6912E7710c838347Ae178B4a/app.git'),
    'https://git.example.com/team/[redacted]/app.git',
    'a token as a path segment',
  )
  t.equal(
    redactWords('https://u:glpat-aB3dE5gH7jK9mN1pQ3rS@gitlab.com/x?t=ghp_16C7e42F292c6912E7710c838347Ae178B4a'),
    'https://u:[redacted]@gitlab.com/x?t=[redacted]',
    'userinfo and query',
  )
  t.equal(redactWords('https://gitlab.com/team/app.git'), 'https://gitlab.com/team/app.git', 'an ordinary URL stays')
  t.equal(redactWords('/tmp/gcp-cli-import-dry-C869tn/secretFrom-ran'), '/tmp/gcp-cli-import-dry-C869tn/secretFrom-ran', 'a path of hyphenated words stays')
  t.equal(redactWords('nothing to hide here'), 'nothing to hide here')
  t.equal(redactWords(''), '')
  const secret = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
  t.notOk(redactWords(`unknown argument: ${secret}`).includes(secret))
})
