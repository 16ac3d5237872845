// git itself reading a config file, for the tests that check this tool's
// reading and editing of one against git's.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseHelperListing, type HelperEntry } from '../../../src/gitconfig/helper-list.js'

const dir = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'gcp-helper-config-'))
let n = 0
const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', HOME: dir }

/** What git reads from a file: its credential.helper values, and all helper entries. */
export function gitRead(text: string): { values: string[]; entries: HelperEntry[] } {
  const file = join(dir, `c${++n}`)
  writeFileSync(file, text)
  const v = spawnSync('git', ['config', '--file', file, '--get-all', 'credential.helper'], { encoding: 'utf8', env })
  const e = spawnSync('git', ['config', '--file', file, '--show-origin', '--show-scope', '-z', '--get-regexp', '^credential\\..*helper$'], {
    encoding: 'utf8',
    env,
  })
  if (v.status !== 0 && v.status !== 1) throw new Error(v.stderr)
  return { values: v.status === 0 ? v.stdout.replace(/\n$/, '').split('\n') : [], entries: parseHelperListing(e.stdout) }
}

/** A `credential.helper` entry from a lower scope. */
export const g = (value: string, scope = 'system'): HelperEntry => ({ scope, file: '/etc/gitconfig', value })
/** A `credential.<url>.helper` entry from a lower scope. */
export const u = (url: string, value: string, scope = 'system'): HelperEntry => ({ scope, file: '/etc/gitconfig', url, value })
