// Moving git's credential-store file into the keychain.
// Each credential becomes a keychain token scoped exactly as git stored it;
// its line may leave the plaintext file only once the keychain item was
// written and read back, and the metadata naming it is on disk. The file is
// rewritten with git's own lock protocol (credential-store takes FILE.lock
// too), 0600, by an atomic rename.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { homedir, hostname } from 'node:os'
import { join, resolve } from 'node:path'
import { PatError } from '../errors.js'
import { withoutLines, type StoredCredential } from '../core/git-credentials.js'
import { defaultTokenName } from '../core/providers.js'
import { uniqueName } from '../core/names.js'
import { readSecret, writeSecret } from './sources/index.js'
import { deleteSecret, getSecret } from './sources/keychain.js'
import { updateMetadata, type TokenRecord } from './tokens.js'
import { statePaths } from './paths.js'

/**
 * The file git's `store` helper uses: the `--file` of a configured `store`
 * helper, else ~/.git-credentials, else $XDG_CONFIG_HOME/git/credentials
 * when only that one exists (git-credential-store(1), "FILES").
 */
export function credentialStoreFile(helperValues: readonly string[], env: NodeJS.ProcessEnv, exists: (f: string) => boolean): string {
  const home = env.HOME || homedir()
  for (const v of helperValues) {
    const m = /(?:^|\s)--file(?:=|\s+)("[^"]*"|'[^']*'|\S+)/.exec(v)
    if (m) return expandHome(m[1].replace(/^(["'])(.*)\1$/, '$2'), home)
  }
  const dot = join(home, '.git-credentials')
  const xdg = join(env.XDG_CONFIG_HOME || join(home, '.config'), 'git', 'credentials')
  return !exists(dot) && exists(xdg) ? xdg : dot
}

// git runs a helper through the shell, which expands a leading ~.
const expandHome = (p: string, home: string) => (p === '~' ? home : p.startsWith('~/') ? join(home, p.slice(2)) : resolve(p))

export interface Migrated {
  entry: StoredCredential
  name: string
  /** false: an existing token already held this credential. */
  fresh: boolean
}

export interface MigrationResult {
  migrated: Migrated[]
  /** Credentials left in the file, and why (never the secret). */
  kept: { entry: StoredCredential; why: string }[]
}

/** The scope git stored, the username it stored, a generated unique name. */
function recordFor(c: StoredCredential, name: string, provider: string, file: string, now: Date): TokenRecord {
  return {
    name,
    scope: c.scope,
    username: c.username,
    provider,
    expires: null,
    access: 'read-write',
    description: `moved from ${file}`,
    created: now.toISOString(),
    state: 'active',
    source: 'keychain',
    origin: 'add',
  }
}

/**
 * Put each credential into the keychain. A keychain failure stops there:
 * the ones already moved stay moved, the rest stay in the file.
 */
export async function migrateCredentials(
  entries: readonly StoredCredential[],
  o: { file: string; providerOf: (c: StoredCredential) => string; now: Date; env: NodeJS.ProcessEnv },
): Promise<MigrationResult> {
  const { env } = o
  const result: MigrationResult = { migrated: [], kept: [] }
  await updateMetadata(statePaths(env).metadata, async m => {
    let stop: string | undefined
    for (const c of entries) {
      if (stop) {
        result.kept.push({ entry: c, why: stop })
        continue
      }
      const same = m.tokens.find(t => t.scope === c.scope && t.username === c.username && t.source === 'keychain')
      if (same) {
        // Run again: the token is there; its line may go if it holds this very secret.
        const held = await readSecret(same, env).catch(() => null)
        if (held === c.password) result.migrated.push({ entry: c, name: same.name, fresh: false })
        else result.kept.push({ entry: c, why: `token '${same.name}' already serves ${c.scope} for ${c.username} with another secret` })
        continue
      }
      const base = defaultTokenName(c.host, hostname(), c.path)
      const rec = recordFor(
        c,
        uniqueName(
          m.tokens.map(t => t.name),
          base,
        ),
        o.providerOf(c),
        o.file,
        o.now,
      )
      try {
        await writeSecret(rec, c.password)
        const back = rec.emptySecret ? '' : await getSecret(rec.name)
        if (back !== c.password) throw new PatError('KEYCHAIN', `the keychain did not keep the secret for '${rec.name}'`)
      } catch (e) {
        await deleteSecret(rec.name).catch(() => false)
        stop = e instanceof PatError ? e.message : String(e)
        result.kept.push({ entry: c, why: stop })
        continue
      }
      m.tokens.push(rec)
      result.migrated.push({ entry: c, name: rec.name, fresh: true })
    }
  })
  return result
}

/**
 * Remove lines from the credential file: under git's FILE.lock, re-read (git
 * may have written since), drop exactly these lines, write 0600, fsync,
 * rename. A file left with nothing in it is removed instead (git's store
 * helper makes it again when it has something to keep). Returns how many
 * lines went, and whether the file went with them.
 */
export function removeStoredLines(file: string, lines: readonly string[]): { removed: number; fileRemoved: boolean } {
  const lock = `${file}.lock`
  let fd: number
  try {
    fd = openSync(lock, 'wx', 0o600)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new PatError(
      'GIT',
      code === 'EEXIST'
        ? `${lock} exists: git is writing that file, or crashed; try again (remove the lock if no git is running)`
        : `cannot write ${file}: ${code}`,
    )
  }
  try {
    const { text, removed } = withoutLines(readFileSync(file, 'utf8'), lines)
    if (!text.trim()) {
      // Still under the lock, so git cannot write the file between the two.
      unlinkSync(file)
      closeSync(fd)
      unlinkSync(lock)
      return { removed, fileRemoved: true }
    }
    writeSync(fd, text)
    fsyncSync(fd)
    closeSync(fd)
    renameSync(lock, file)
    return { removed, fileRemoved: false }
  } catch (e) {
    try {
      closeSync(fd)
    } catch {
      /* closed already */
    }
    try {
      unlinkSync(lock)
    } catch {
      /* gone already */
    }
    if (e instanceof PatError) throw e
    throw new PatError('GIT', `cannot rewrite ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; it was not changed`)
  }
}
