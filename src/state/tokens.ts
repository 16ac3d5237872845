// Token metadata: one JSON file, no secrets, with a schema version (docs/git-credential-pat.md, "Storage").
// Reads are lock-free (writes are atomic renames, so a reader sees the old or
// the new file, never half of one). Every change goes through update(), which
// holds a lock for the read-modify-write (state/lock.ts). A corrupt file is
// reported and left exactly as it is. Schema 2 adds the store id that names
// this file's keychain items (keychain-account.ts); schema 1 files are read
// as they are and get an id, their items moved, on their first write.
import { readFileSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import { createRequire } from 'node:module'
import { PatError } from '../errors.js'
import { runtime } from '../runtime/choose.js'
import { formatScope, parseScope } from '../core/scope.js'
import { bindStore, STORE_ID } from './keychain-account.js'
import { withLock, type LockOptions } from './lock.js'
import { makeStateDir, trustStateFile } from './trusted-state.js'

const cjs = (id: string): unknown => createRequire(import.meta.url)(id)

export const SCHEMA_VERSION = 2

export { LAST_USED_FRESH_MS } from '../core/model.js'
export type { Access, Metadata, RotationMark, TokenRecord, TokenState } from '../core/model.js'
import type { Metadata, TokenRecord } from '../core/model.js'

const empty = (): Metadata => ({ version: SCHEMA_VERSION, tokens: [] })

/** Read the metadata file; a missing file is an empty set of tokens. */
export function readMetadata(file: string): Metadata {
  let text: string
  try {
    if (!trustStateFile(file)) throw Object.assign(new Error('absent'), { code: 'ENOENT' })
    text = readFileSync(file, 'utf8')
  } catch (e) {
    if (e instanceof PatError) throw e
    const err = e as NodeJS.ErrnoException
    if (err.code === 'ENOENT') {
      bindStore(file, null)
      return empty()
    }
    throw new PatError('METADATA', `cannot read ${file}: ${err.code ?? err.message}; fix its permissions (it was not changed)`)
  }
  const m = parseMetadata(text, file)
  bindStore(file, m.id)
  return m
}

/**
 * The tokens that may concern one host, for `get`. The file is written one
 * record per line with canonical (lower-case) scopes (serialize below), so
 * with 10,000 tokens only the lines naming the host are decoded and parsed
 * (so 10,000 tokens cost a get little more than one). Any other layout, or a line that
 * does not parse, takes the full, strict path, which reports corruption.
 */
export function readTokensFor(file: string, host: string, keep: (scope: string) => boolean = () => true): TokenRecord[] {
  let buf: Buffer
  try {
    if (!trustStateFile(file)) return readMetadata(file).tokens // none (or reported there)
    buf = readBytes(file)
  } catch (e) {
    if (e instanceof PatError) throw e
    return readMetadata(file).tokens // ENOENT → none; other errors reported there
  }
  const strict = () => parseMetadata(buf.toString('utf8'), file).tokens
  const firstEnd = buf.indexOf(10)
  const head = /^\{"version":(\d+)(?:,"id":"([0-9a-f]{16})")?,"tokens":\[$/.exec(buf.toString('utf8', 0, Math.max(firstEnd, 0)))
  if (!head || Number(head[1]) > SCHEMA_VERSION || !buf.subarray(-3).equals(FOOTER)) return strict()
  bindStore(file, head[2])
  const needle = Buffer.from(host.toLowerCase())
  const out: TokenRecord[] = []
  for (let pos = buf.indexOf(needle, firstEnd); pos !== -1;) {
    const start = buf.lastIndexOf(10, pos) + 1
    const end = buf.indexOf(10, pos)
    pos = buf.indexOf(needle, end)
    // Most lines naming the host can be ruled out by their scope alone, unparsed.
    const at = buf.indexOf(SCOPE_KEY, start)
    if (at !== -1 && at < end) {
      const close = buf.indexOf(34 /* " */, at + SCOPE_KEY.length)
      const scope = buf.toString('utf8', at + SCOPE_KEY.length, close)
      if (close < end && !scope.includes('\\') && !keep(scope)) continue
    }
    const line = buf.toString('utf8', start, buf[end - 1] === 44 /* , */ ? end - 1 : end)
    try {
      const t = JSON.parse(line) as TokenRecord
      if (typeof t?.scope !== 'string' || typeof t.name !== 'string') throw new Error('not a record')
      out.push(t)
    } catch {
      return strict()
    }
  }
  return out
}

/** Files from this size on are mapped under Bun, not read. */
const MAP_FROM_BYTES = 64 * 1024

/**
 * The file's bytes. Under Bun a big file is mapped, not copied: reading
 * 10,000 tokens (2.6 MB) into a fresh buffer costs page faults,
 * a good share of what they add to a get; mapped,
 * almost none. Writers replace the file by renaming a new one over it
 * (write-file-atomic), so the mapped file is never cut short under us.
 */
function readBytes(file: string): Buffer {
  if (runtime.bun && statSync(file).size >= MAP_FROM_BYTES) {
    const m = runtime.bun.mmap(file, { shared: false })
    return Buffer.from(m.buffer, m.byteOffset, m.byteLength)
  }
  return readFileSync(file)
}

const FOOTER = Buffer.from(']}\n')
const SCOPE_KEY = Buffer.from('"scope":"')

/** One record per line, still plain JSON; scopes canonical so readTokensFor() finds them. The id rides on the header line. */
export function serialize(m: Metadata): string {
  const line = (t: TokenRecord) => JSON.stringify({ ...t, scope: canonicalScope(t.scope) })
  const id = m.id ? `,"id":${JSON.stringify(m.id)}` : ''
  return `{"version":${m.version}${id},"tokens":[\n${m.tokens.map(line).join(',\n')}\n]}\n`
}

function canonicalScope(scope: string): string {
  try {
    return formatScope(parseScope(scope))
  } catch {
    return scope // kept as written; it matches nothing until fixed
  }
}

export function parseMetadata(text: string, file: string): Metadata {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    throw corrupt(file, 'not valid JSON')
  }
  if (typeof data !== 'object' || data === null) throw corrupt(file, 'not an object')
  const m = data as Partial<Metadata>
  if (typeof m.version !== 'number') throw corrupt(file, 'no schema version')
  if (!Number.isInteger(m.version)) throw corrupt(file, 'its schema version is not a whole number')
  if (m.version > SCHEMA_VERSION) {
    throw new PatError('METADATA', `${file} has schema version ${m.version}, newer than this git-credential-pat (${SCHEMA_VERSION}); upgrade it`)
  }
  if (m.id !== undefined && (typeof m.id !== 'string' || !STORE_ID.test(m.id))) throw corrupt(file, 'its store id is not 16 hex digits')
  if (!Array.isArray(m.tokens)) throw corrupt(file, 'no token list')
  for (const t of m.tokens) {
    if (!t || typeof t.name !== 'string' || typeof t.scope !== 'string' || typeof t.source !== 'string') {
      throw corrupt(file, 'a token record lacks name, scope or source')
    }
  }
  return m as Metadata
}

const corrupt = (file: string, why: string) =>
  new PatError('METADATA', `metadata file ${file} is corrupt (${why}); it was kept as is: repair it or move it away`)

/**
 * Read-modify-write under a lock. `change` may return a value; the file is
 * written only when it returns without throwing. A file without a store id
 * gets one first (its keychain items moved under it; keychain-migrate.ts).
 * `lock` sets the lock's timing (tests).
 */
/**
 * `afterWrite` runs once the new metadata is written, still under the lock:
 * for deleting keychain items the old record named (a rename), which must
 * not happen before the record stops naming them, nor after the lock lets
 * another add take the old name and write its own item.
 */
export async function updateMetadata<T>(
  file: string,
  change: (m: Metadata) => T | Promise<T>,
  lock?: LockOptions,
  afterWrite?: (result: T) => Promise<void>,
): Promise<T> {
  try {
    makeStateDir(dirname(file))
  } catch (e) {
    if (e instanceof PatError) throw e
    throw new PatError('METADATA', `cannot create ${dirname(file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)
  }
  return withLock(
    file,
    async () => {
      const m = readMetadata(file)
      refuseReadOnly(file)
      if (!m.id) await (await import('./keychain-migrate.js')).assignStoreId(file, m, () => writeMetadata(file, m))
      const result = await change(m)
      await writeMetadata(file, m)
      if (afterWrite) await afterWrite(result)
      return result
    },
    lock,
  )
}

/**
 * A metadata file its owner made read-only is not replaced (write-file-atomic
 * would rename over it, and root passes every access() check): refused
 * before anything changes, the keychain included.
 */
function refuseReadOnly(file: string): void {
  let mode: number
  try {
    mode = statSync(file).mode
  } catch {
    return // no file yet
  }
  if (!(mode & 0o200))
    throw new PatError('METADATA', `metadata file ${file} is read-only; nothing was changed (make it writable to change tokens: chmod u+w ${file})`)
}

async function writeMetadata(file: string, m: Metadata): Promise<void> {
  const writeFileAtomic = cjs('write-file-atomic') as typeof import('write-file-atomic')
  m.version = SCHEMA_VERSION
  try {
    await writeFileAtomic(file, serialize(m), { mode: 0o600 })
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    // write-file-atomic removes its temporary file; the old file stays as it was.
    throw new PatError(
      'METADATA',
      `cannot write ${file}: ${code ?? (e as Error).message}${code === 'ENOSPC' ? ' (disk full)' : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? ' (fix its permissions)' : ''}; it was not changed`,
    )
  }
}

export function findToken(m: Metadata, name: string): TokenRecord {
  const t = m.tokens.find(x => x.name === name)
  if (!t) throw new PatError('NOT_FOUND', `no token named '${name}' (see: git-credential-pat list)`)
  return t
}
