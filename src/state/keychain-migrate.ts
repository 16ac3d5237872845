// Moving a schema-1 metadata file's keychain items under a store id
// (keychain-account.ts). Bare-name items were one namespace shared
// by every GIT_CREDENTIAL_PAT_HOME on the machine: left there, a home still
// on schema 1 would go on reading and overwriting them. So each item is
// copied to `<id>/<name>` and read back, the id is written to the metadata
// file, and only then is the bare item deleted: a failure at any step leaves
// the bare items and the file without an id, which still work together.
// Runs under the metadata lock (tokens.ts updateMetadata).
import { bindStore, accountIn, newStoreId } from './keychain-account.js'
import { deleteRaw, getRaw, setRaw } from './sources/keychain.js'
import { refreshAccount } from './sources/index.js'
import type { Metadata } from '../core/model.js'

/** The names (within the store) of the keychain items a file's records own. */
export function ownedNames(m: Metadata): string[] {
  const names: string[] = []
  for (const t of m.tokens) {
    if (t.source === 'keychain' && !t.emptySecret) names.push(t.name)
    if (t.hasRefreshToken) names.push(refreshAccount(t.name))
  }
  return names
}

/**
 * Give `m` (read from `file`, no id yet) an id. With keychain items to move,
 * `commit` writes the file with the id before the bare items are deleted.
 * If the keyring cannot do the move, `m` stays without an id (bare names, as
 * before) and the caller's change goes on: a disable must not need the keyring.
 */
export async function assignStoreId(file: string, m: Metadata, commit: () => Promise<void>): Promise<void> {
  const id = newStoreId()
  const names = ownedNames(m)
  const moved: string[] = []
  try {
    for (const name of names) {
      const secret = await getRaw(name)
      if (secret === null) continue // nothing to move (doctor reports the record's missing secret)
      await setRaw(accountIn(id, name), secret)
      if ((await getRaw(accountIn(id, name))) !== secret) throw new Error(`the keyring did not keep the copy of '${name}'`)
      moved.push(name)
    }
  } catch {
    await undo(id, moved)
    bindStore(file, null)
    return
  }
  m.id = id
  if (!moved.length) {
    // Nothing was in the keychain to move: the id goes out with the caller's write.
    bindStore(file, id)
    return
  }
  try {
    await commit()
  } catch (e) {
    delete m.id
    await undo(id, moved)
    bindStore(file, null)
    throw e
  }
  bindStore(file, id)
  // The copies are recorded: the bare items can go. One left behind (a
  // failing keyring) is harmless: doctor reports it as a legacy item.
  for (const name of moved) await deleteRaw(name).catch(() => false)
}

async function undo(id: string, copies: string[]): Promise<void> {
  for (const name of copies) await deleteRaw(accountIn(id, name)).catch(() => false)
}
