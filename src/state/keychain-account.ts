// Which keychain account holds a token's secret (each metadata file
// owns its keychain items). Every metadata file carries a random store id
// (its top-level "id"); a token's item is the account `<id>/<name>` under the
// service, its refresh token `<id>/<name>#oauth_refresh_token`. Before store
// ids (schema 1) the account was the bare name, one namespace shared by every
// GIT_CREDENTIAL_PAT_HOME on the machine, so two homes overwrote, deleted and
// called "orphan" each other's secrets. A file without an
// id still means bare names until its first write migrates them
// (keychain-migrate.ts).
//
// The binding is a value of the context (state/context.ts: service, metadata
// file, store id), put in use by the entry point (git/helper.ts, cli/cli.ts,
// daemon/run.ts: useKeychain); whoever reads the metadata (tokens.ts) binds
// its id: a process works on one metadata file, and its keychain calls are
// about that file's tokens. Callers pass token names; the account is derived here.
import { readFileSync } from 'node:fs'
import { randomBytes } from '../runtime/crypto.js'
import type { KeychainBinding } from './context.js'

/** 16 lower-case hex digits: unique per metadata file, not a secret. */
export const STORE_ID = /^[0-9a-f]{16}$/

export const newStoreId = (): string => randomBytes(8).toString('hex')

/** Per process: the context's binding the entry point put in use. */
let inUse: KeychainBinding | undefined

/** The entry point: the keychain this process's calls go to (its context's). */
export function useKeychain(b: KeychainBinding): void {
  inUse = b
}

/** The binding in use; an entry point that forgot useKeychain is a bug, not a reason to guess. */
export function keychainBinding(): KeychainBinding {
  if (!inUse) throw new Error('no keychain binding in use (the entry point calls useKeychain)')
  return inUse
}

/**
 * tokens.ts: the metadata file this process works on, and its id (null: none
 * yet, bare names). A reader with no keychain in use (a tool reading the
 * file) binds nothing.
 */
export function bindStore(file: string, id: string | null | undefined): void {
  const b = inUse
  if (!b) return
  b.file = file
  b.id = id ?? null
}

/** The id of the bound metadata file, read from it the first time it is asked for. */
export function storeId(): string | null {
  const b = keychainBinding()
  if (b.id === undefined) b.id = readStoreId(b.file)
  return b.id
}

/**
 * Read the id again from the bound file: a lock-free reader that saw a file
 * without an id may find its items moved by another process's migration.
 * True when the id changed.
 */
export function rebindStore(): boolean {
  const before = storeId()
  const b = keychainBinding()
  b.id = readStoreId(b.file)
  return b.id !== before
}

function readStoreId(file: string): string | null {
  try {
    const id = (JSON.parse(readFileSync(file, 'utf8')) as { id?: unknown }).id
    return typeof id === 'string' && STORE_ID.test(id) ? id : null
  } catch {
    return null // missing or unreadable: tokens.ts reports that where it matters
  }
}

/** The account for a name within a store (bare name for a store without an id: schema 1). */
export const accountIn = (id: string | null, name: string): string => (id ? `${id}/${name}` : name)

/** The account for a name within the bound store. */
export const accountFor = (name: string): string => accountIn(storeId(), name)

/** The name within our store for an account, or null when the account is not ours. */
export function nameOf(account: string, id: string | null): string | null {
  if (!id) return null
  return account.startsWith(`${id}/`) ? account.slice(id.length + 1) : null
}

/** An account under some store id (ours or another home's), as opposed to a bare legacy name. */
export const isStoreAccount = (account: string): boolean => /^[0-9a-f]{16}\//.test(account)
