// add, edit and import turn on credential.<origin>.useHttpPath where a path
// scope needs it; once, and not where the global config already sends the path.
import t from 'tap'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureUseHttpPath } from '../../src/gitconfig/use-http-path.js'

function env(config = ''): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'gcp-uhp-'))
  writeFileSync(join(dir, 'gitconfig'), config)
  return { ...process.env, GIT_CONFIG_GLOBAL: join(dir, 'gitconfig'), GIT_CONFIG_NOSYSTEM: '1' }
}

t.test('path scopes get it per origin, once; host scopes do not need it', async t => {
  const e = env()
  t.same(ensureUseHttpPath(['a.example', 'b.example/x', 'b.example/y/*', 'http://c.example:8080/r'], e, new Date(), true), [
    'would set credential.http://c.example:8080.useHttpPath=true in your global git config, so git tells us which repository it is for',
    'would set credential.https://b.example.useHttpPath=true in your global git config, so git tells us which repository it is for',
  ])
  t.equal(readFileSync(e.GIT_CONFIG_GLOBAL!, 'utf8'), '', 'a dry run writes nothing')
  t.equal(ensureUseHttpPath(['b.example/x', 'http://c.example:8080/r'], e, new Date()).length, 2)
  t.match(readFileSync(e.GIT_CONFIG_GLOBAL!, 'utf8'), /\[credential "https:\/\/b\.example"\]\n\tuseHttpPath = true/)
  t.same(ensureUseHttpPath(['b.example/x', 'http://c.example:8080/r'], e, new Date()), [], 'the second time: already on')
})

t.test('a global useHttpPath already covers every origin', async t => {
  t.same(ensureUseHttpPath(['b.example/x'], env('[credential]\n\tuseHttpPath = true\n'), new Date()), [])
})

t.test("a repository's own config does not count (the token serves every repository); yes/1 count as true", async t => {
  const e = env()
  const repo = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'gcp-uhp-repo-'))
  writeFileSync(join(repo, 'config'), '[core]\n\trepositoryformatversion = 0\n[credential]\n\tuseHttpPath = true\n')
  t.equal(ensureUseHttpPath(['b.example/x'], { ...e, GIT_DIR: repo }, new Date(), true).length, 1, 'still set globally')
  t.same(ensureUseHttpPath(['b.example/x'], env('[credential "https://b.example"]\n\tuseHttpPath = yes\n'), new Date()), [])
})
