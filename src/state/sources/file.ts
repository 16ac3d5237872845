// file:PATH secrets (mounted secrets): refused unless owned by the user and
// closed to group and others, as ssh does for private keys; written by
// `add --token-stdin` where there is no keyring.
import { randomBytes } from 'node:crypto'
import { closeSync, existsSync, fsyncSync, linkSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { PatError } from '../../errors.js'
import { firstLine } from './first-line.js'
import { trustDir, trustFile, type PathUse } from '../../runtime/trusted-path.js'

const secretUse = (name: string): PathUse => ({
  code: 'SOURCE',
  purpose: `keep token '${name}' there`,
  fix: 'keep the secret in a file of yours, in a directory only you can write',
})

export function readSecretFile(name: string, path: string): string {
  try {
    if (!trustFile(path, secretUse(name), { private: true })) throw Object.assign(new Error('absent'), { code: 'ENOENT' })
  } catch (e) {
    if (e instanceof PatError) throw e
    throw new PatError('SOURCE', `token '${name}': cannot read ${path} (${(e as NodeJS.ErrnoException).code})`)
  }
  const s = firstLine(readFileSync(path, 'utf8'))
  if (!s) throw new PatError('SOURCE', `token '${name}': ${path} is empty`)
  return s
}

/**
 * `add --source file:PATH --token-stdin` on a machine without a keyring:
 * put the secret in PATH, mode 0600, all at once (a temporary file in the
 * same directory, synced, then linked to PATH: link(2) fails if PATH exists,
 * where rename(2) would replace it). The directory must exist. A PATH that
 * exists is left alone: 'same' if it already holds this secret, else refused.
 */
export function writeSecretFile(name: string, path: string, secret: string): 'written' | 'same' {
  if (existsSync(path)) return sameSecret(name, path, secret)
  const dir = dirname(path)
  if (!trustDir(dir, secretUse(name)))
    throw new PatError('SOURCE', `token '${name}': the directory ${dir} does not exist; create it first (mkdir -m 700 ${dir})`)
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    const fd = openSync(tmp, 'wx', 0o600)
    try {
      writeSync(fd, secret + '\n')
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    linkSync(tmp, path)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'EEXIST' && existsSync(path)) return sameSecret(name, path, secret) // written meanwhile
    throw new PatError('SOURCE', `token '${name}': cannot write ${path} (${code ?? (e as Error).message})`)
  } finally {
    rmSync(tmp, { force: true })
  }
  return 'written'
}

function sameSecret(name: string, path: string, secret: string): 'same' {
  if (readSecretFile(name, path) !== secret) {
    throw new PatError('SOURCE', `token '${name}': ${path} exists and holds another secret; nothing was saved (remove it, or choose another path)`)
  }
  return 'same'
}
