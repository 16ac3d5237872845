// Can the token's scopes read and write repositories (src/forge/repo-access.ts)?
import t from 'tap'
import { repoAccessWarning } from '../../src/forge/repo-access.js'

t.test('GitLab scopes', async t => {
  t.equal(repoAccessWarning('gitlab', ['read_repository', 'write_repository'], 'read-write'), undefined)
  t.equal(repoAccessWarning('gitlab', ['api'], 'read-write'), undefined)
  t.equal(repoAccessWarning('gitlab', ['read_repository'], 'read'), undefined)
  t.match(repoAccessWarning('gitlab', ['read_repository'], 'read-write'), /cannot write repositories: git push will be refused/)
  t.match(repoAccessWarning('gitlab', ['read_api'], 'read'), /cannot read repositories/)
  t.match(repoAccessWarning('gitlab', [], 'read'), /\(none\) cannot read/)
})

t.test('GitHub scopes', async t => {
  t.equal(repoAccessWarning('github', ['repo', 'read:org'], 'read-write'), undefined)
  t.match(repoAccessWarning('github', ['public_repo'], 'read-write'), /public repositories only/)
  t.match(repoAccessWarning('github', ['gist'], 'read'), /cannot read or write private repositories/)
  t.equal(repoAccessWarning('github', undefined, 'read-write'), undefined, 'fine-grained: no scopes header, nothing to say')
})

t.test('others say nothing', async t => {
  t.equal(repoAccessWarning('gitea', [], 'read-write'), undefined)
})
