// file: sources (src/state/sources/file.ts): read only when private; written
// by add --token-stdin where there is no keyring.
import t from 'tap'
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readSecretFile, writeSecretFile } from '../../../src/state/sources/file.js'

const dir = () => mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'gcp-file-src-'))

t.test('write: 0600, atomically, then read back', async t => {
  const d = dir()
  const path = join(d, 'token')
  t.equal(writeSecretFile('n', path, 'file-secret-0001'), 'written')
  t.equal(statSync(path).mode & 0o777, 0o600)
  t.equal(readFileSync(path, 'utf8'), 'file-secret-0001\n')
  t.equal(readSecretFile('n', path), 'file-secret-0001')
  t.same(readdirSync(d), ['token'], 'no temporary file left')
})

t.test('an existing file is never replaced', async t => {
  const d = dir()
  const path = join(d, 'token')
  writeFileSync(path, 'same-secret-0002\n', { mode: 0o600 })
  t.equal(writeSecretFile('n', path, 'same-secret-0002'), 'same', 'it holds that secret already')
  t.throws(() => writeSecretFile('n', path, 'other-secret-0003'), { code: 'SOURCE', message: /exists and holds another secret; nothing was saved/ })
  t.equal(readFileSync(path, 'utf8'), 'same-secret-0002\n', 'untouched')
  chmodSync(path, 0o644)
  t.throws(() => writeSecretFile('n', path, 'same-secret-0002'), { code: 'SOURCE', message: /open to other users/ }, 'nor one open to others')
})

t.test('the directory must exist', async t => {
  const path = join(dir(), 'missing', 'token')
  t.throws(() => writeSecretFile('n', path, 's-0004'), { code: 'SOURCE', message: /directory .*missing does not exist; create it first/ })
})

t.test('errors never hold the secret', async t => {
  const d = dir()
  const path = join(d, 'token')
  writeFileSync(path, 'first-secret-0005\n', { mode: 0o600 })
  try {
    writeSecretFile('n', path, 'second-secret-0006')
    t.fail('refused')
  } catch (e) {
    t.notMatch((e as Error).message, /secret-000[56]/)
  }
})
