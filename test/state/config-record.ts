// The record of git config settings this program set (state/config-record.ts):
// kept per file and key, replaced atomically, and gone once empty.
import t from 'tap'
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { forgetSet, readSetByUs, recordFile, recordSet } from '../../src/state/config-record.js'

const envFor = () => ({ GIT_CREDENTIAL_PAT_HOME: mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'gcp-record-')) }) as NodeJS.ProcessEnv

t.test('one entry per file and key; forgetting the last removes the file', async t => {
  const env = envFor()
  const now = new Date('2026-12-07T10:00:00Z')
  recordSet('/h/.gitconfig', 'credential.https://a.com.useHttpPath', 'true', env, now)
  recordSet('/h/.gitconfig', 'credential.https://a.com.usehttppath', 'true', env, now)
  recordSet('/r/.git/config', 'credential.https://a.com.useHttpPath', 'true', env, now)
  t.same(
    readSetByUs(env).map(e => [e.file, e.key]),
    [
      ['/h/.gitconfig', 'credential.https://a.com.usehttppath'],
      ['/r/.git/config', 'credential.https://a.com.useHttpPath'],
    ],
    'the same key again (any case) replaces its entry',
  )
  forgetSet(e => e.file === '/h/.gitconfig', env)
  t.same(readSetByUs(env).length, 1)
  forgetSet(() => true, env)
  t.notOk(existsSync(recordFile(env)), 'no empty file left behind')
  t.same(readdirSync(env.GIT_CREDENTIAL_PAT_HOME!), [], 'nor a lock or temporary file')
})

t.test('an unreadable record reads as empty; a stale lock is taken over', async t => {
  const env = envFor()
  writeFileSync(recordFile(env), 'not json')
  t.same(readSetByUs(env), [])
  const lock = `${recordFile(env)}.lock`
  writeFileSync(lock, '')
  const { utimesSync } = await import('node:fs')
  utimesSync(lock, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000))
  recordSet('/h/.gitconfig', 'credential.https://b.com.useHttpPath', 'true', env, new Date())
  t.equal(readSetByUs(env).length, 1)
  t.notOk(existsSync(lock))
})

t.test('a lock held by a live writer: refused after a bounded wait, nothing changed', async t => {
  const env = envFor()
  recordSet('/h/.gitconfig', 'credential.https://c.com.useHttpPath', 'true', env, new Date())
  writeFileSync(`${recordFile(env)}.lock`, '')
  t.throws(() => recordSet('/h/.gitconfig', 'credential.https://d.com.useHttpPath', 'true', env, new Date()), { code: 'LOCKED' })
  t.same(
    readSetByUs(env).map(e => e.key),
    ['credential.https://c.com.useHttpPath'],
  )
})
