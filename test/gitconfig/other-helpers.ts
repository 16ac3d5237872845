// Removing git's store/cache helpers from a config file: exactly their
// entries, and a section header they leave with nothing under it; git
// reads the rest as before.
import t from 'tap'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { removeOtherHelpers } from '../../src/gitconfig/other-helpers.js'
import { spawnSync } from 'node:child_process'

const file = (text: string) => {
  const f = join(mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'gcp-other-')), 'config')
  writeFileSync(f, text)
  return f
}

t.test('an emptied [credential] section goes with its store helper; others stay', async t => {
  const f = file('[user]\n\tname = x\n[credential]\n\thelper = store\n[credential "https://h.example"]\n\thelper = cache --timeout 60\n\tuseHttpPath = true\n')
  t.same(removeOtherHelpers(f), ['store', 'cache --timeout 60'])
  t.equal(readFileSync(f, 'utf8'), '[user]\n\tname = x\n[credential "https://h.example"]\n\tuseHttpPath = true\n')
  const git = spawnSync('git', ['config', '--file', f, '--get', 'credential.https://h.example.usehttppath'], { encoding: 'utf8' })
  t.equal(git.stdout.trim(), 'true', 'git reads the rest as before')
})

t.test('a section with something else left, or a comment, keeps its header', async t => {
  const f = file('[credential]\n\thelper = store\n\thelper = pat\n[credential "https://x.example"]\n\t# kept by hand\n\thelper = store\n')
  t.same(removeOtherHelpers(f), ['store', 'store'])
  t.equal(readFileSync(f, 'utf8'), '[credential]\n\thelper = pat\n[credential "https://x.example"]\n\t# kept by hand\n')
})
