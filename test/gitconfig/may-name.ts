// configMayName: git config is asked only where a config file could name the key.
import t, { type Test } from 'tap'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { configMayName } from '../../src/gitconfig/may-name.js'

function world(t: Test) {
  // Outside any repository (a fixture under this checkout would be inside one).
  const dir = mkdtempSync(join(tmpdir(), 'gcp-may-name-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const home = join(dir, 'home')
  const repo = join(dir, 'repo')
  mkdirSync(join(home, '.config', 'git'), { recursive: true })
  mkdirSync(join(repo, '.git'), { recursive: true })
  mkdirSync(join(repo, 'sub'))
  const env: NodeJS.ProcessEnv = { HOME: home, GIT_CONFIG_NOSYSTEM: '1' }
  return { dir, home, repo, env }
}

t.test('nothing names it: no git config process', async t => {
  const w = world(t)
  writeFileSync(join(w.home, '.gitconfig'), '[user]\n\tname = A\n[credential]\n\thelper = pat\n')
  t.equal(configMayName('forward', w.env, join(w.repo, 'sub')), false)
  t.equal(configMayName('forward', w.env, w.dir), false, 'outside a repository too')
})

t.test('each place that could name it', async t => {
  const cases: Array<[string, (w: ReturnType<typeof world>) => void]> = [
    ['~/.gitconfig', w => writeFileSync(join(w.home, '.gitconfig'), '[credential "pat"]\n\tForward = ~/f.sock\n')],
    ['XDG config', w => writeFileSync(join(w.home, '.config', 'git', 'config'), '[credential]\n\tpat.forward = /f\n')],
    ['the repository', w => writeFileSync(join(w.repo, '.git', 'config'), '[credential "pat"]\n\tforward = /f\n')],
    ['an include', w => writeFileSync(join(w.home, '.gitconfig'), '[include]\n\tpath = other\n')],
    ['a conditional include', w => writeFileSync(join(w.home, '.gitconfig'), '[includeIf "gitdir:~/w/"]\n\tpath = other\n')],
    ['git -c', w => (w.env.GIT_CONFIG_PARAMETERS = "'credential.pat.forward'='/f'")],
    ['GIT_CONFIG_COUNT', w => Object.assign(w.env, { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'x.y', GIT_CONFIG_VALUE_0: 'z' })],
    ['a worktree (.git is a file)', w => writeFileSync(join(w.dir, 'wt', '.git'), 'gitdir: /x\n')],
  ]
  for (const [what, set] of cases) {
    const w = world(t)
    mkdirSync(join(w.dir, 'wt'))
    set(w)
    const cwd = what.startsWith('a worktree') ? join(w.dir, 'wt') : join(w.repo, 'sub')
    t.equal(configMayName('forward', w.env, cwd), true, what)
  }
})

t.test('GIT_CONFIG_GLOBAL and GIT_DIR are where git looks then', async t => {
  const w = world(t)
  writeFileSync(join(w.home, '.gitconfig'), '[credential "pat"]\n\tforward = /f\n')
  const other = join(w.dir, 'global')
  writeFileSync(other, '[user]\n\tname = B\n')
  t.equal(configMayName('forward', { ...w.env, GIT_CONFIG_GLOBAL: other }, w.dir), false, '~/.gitconfig is not read then')
  const gitDir = join(w.dir, 'g')
  mkdirSync(gitDir)
  writeFileSync(join(gitDir, 'config'), '[credential "pat"]\n\tforward = /f\n')
  t.equal(configMayName('forward', { HOME: join(w.dir, 'none'), GIT_CONFIG_NOSYSTEM: '1', GIT_DIR: gitDir }, w.dir), true)
})
