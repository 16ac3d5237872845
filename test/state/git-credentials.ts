// Moving git's credential-store file: which file, migrating with read-back
// (a token already holding another secret keeps its line), and rewriting
// the file under git's FILE.lock, 0600, lines git added meanwhile kept.
import t from 'tap'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { credentialStoreFile, migrateCredentials, removeStoredLines } from '../../src/state/git-credentials.js'
import { parseGitCredentials } from '../../src/core/git-credentials.js'
import { readMetadata } from '../../src/state/tokens.js'
import { getSecret } from '../../src/state/sources/keychain.js'
import { useTestKeychain } from '../lib/context.js'

// As the entry point does: the keychain of this process's environment is the one in use.
useTestKeychain()

const tmp = () => mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'gcp-gitcred-'))

t.test('credentialStoreFile: a configured --file, else ~/.git-credentials, else the XDG file', async t => {
  const env = { HOME: '/home/u', XDG_CONFIG_HOME: '/home/u/.cfg' }
  const none = () => false
  t.equal(credentialStoreFile([], env, none), '/home/u/.git-credentials')
  t.equal(
    credentialStoreFile([], env, f => f === '/home/u/.cfg/git/credentials'),
    '/home/u/.cfg/git/credentials',
  )
  t.equal(
    credentialStoreFile([], env, () => true),
    '/home/u/.git-credentials',
    'both: the home one',
  )
  t.equal(credentialStoreFile(['store --file ~/secrets/creds'], env, none), '/home/u/secrets/creds', 'the shell expands ~')
  t.equal(credentialStoreFile(['store --file=/etc/creds'], env, none), '/etc/creds')
  t.equal(credentialStoreFile(['store --file "/with space/c"'], env, none), '/with space/c')
  t.equal(credentialStoreFile(['store', 'store --file /x'], env, none), '/x')
})

t.test('removeStoredLines: by content, under FILE.lock, 0600', async t => {
  const dir = tmp()
  const file = join(dir, 'creds')
  writeFileSync(file, 'https://a:1@a.example\nhttps://b:2@b.example\nhttps://c:3@c.example\n', { mode: 0o644 })
  // git added a line since we read the file: it stays.
  writeFileSync(file, 'https://new:4@n.example\n' + readFileSync(file, 'utf8'))
  t.same(removeStoredLines(file, ['https://a:1@a.example', 'https://c:3@c.example']), { removed: 2, fileRemoved: false })
  t.equal(readFileSync(file, 'utf8'), 'https://new:4@n.example\nhttps://b:2@b.example\n')
  t.equal(statSync(file).mode & 0o777, 0o600, 'the plaintext file ends up 0600')
  t.notOk(existsSync(`${file}.lock`), 'the lock is gone')
  writeFileSync(`${file}.lock`, '')
  t.throws(() => removeStoredLines(file, ['https://b:2@b.example']), { code: 'GIT', message: /creds\.lock exists: git is writing that file/ })
  t.equal(readFileSync(file, 'utf8'), 'https://new:4@n.example\nhttps://b:2@b.example\n', 'unchanged while git holds the lock')
  unlinkSync(`${file}.lock`)
  t.same(removeStoredLines(file, ['https://new:4@n.example', 'https://b:2@b.example']), { removed: 2, fileRemoved: true })
  t.notOk(existsSync(file), 'a file left empty is removed, not left at 0 bytes')
  t.notOk(existsSync(`${file}.lock`), 'and so is the lock')
})

t.test('migrateCredentials: written, read back, recorded; run again: already there; another secret: kept', async t => {
  const dir = tmp()
  mkdirSync(join(dir, 'pat'))
  process.env.GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE = `git-credential-pat-test-${basename(dir)}`
  const env = { ...process.env, GIT_CREDENTIAL_PAT_HOME: join(dir, 'pat') }
  const { entries } = parseGitCredentials('https://oauth2:first-secret-0001@gitlab.example.com\nhttp://u:second-secret-02@h.example%3a8080/g/r.git\n')
  const o = { file: '/x/.git-credentials', providerOf: () => 'generic', env, now: new Date('2026-03-01T00:00:00Z') }
  const first = await migrateCredentials(entries, o)
  t.same(
    first.migrated.map(m => [m.entry.scope, m.fresh]),
    [
      ['gitlab.example.com', true],
      ['http://h.example:8080/g/r', true],
    ],
  )
  const recs = readMetadata(join(dir, 'pat', 'tokens.json')).tokens
  t.match(recs[0], { scope: 'gitlab.example.com', username: 'oauth2', source: 'keychain', origin: 'add', description: 'moved from /x/.git-credentials' })
  t.match(recs[0].name, /^gitlab\.example\.com-/)
  t.match(recs[1].name, /^h\.example-g-r-/, 'named after the scope')
  t.equal(await getSecret(recs[1].name), 'second-secret-02')
  t.notMatch(JSON.stringify(recs), /first-secret|second-secret/, 'no secret in the metadata')

  const again = await migrateCredentials(entries, o)
  t.same(
    again.migrated.map(m => m.fresh),
    [false, false],
    'already there',
  )
  const other = parseGitCredentials('https://oauth2:another-secret-03@gitlab.example.com\n').entries
  const third = await migrateCredentials(other, o)
  t.same(third.migrated, [])
  t.match(third.kept[0].why, /already serves gitlab\.example\.com for oauth2 with another secret/)
  t.notMatch(third.kept[0].why, /secret-0/)
  t.equal(readMetadata(join(dir, 'pat', 'tokens.json')).tokens.length, 2)
})
