// The OS keychain through @github/keytar (service `git-credential-pat`,
// account `<store id>/<token name>`; keychain-account.ts). keytar
// blocks for ~50 s when the keyring daemon is frozen, so every call races a
// bounded wait and then says the keyring is not answering; after that, the
// rest of the process does not ask again (one bound per command, not per
// call). keytar is loaded on first use only.
import { createRequire } from 'node:module'
import { readdirSync, readlinkSync } from 'node:fs'
import { PatError, type Trouble } from '../../errors.js'
import { onExit } from '../../runtime/exit-hooks.js'
import { accountFor, keychainBinding, rebindStore, storeId } from '../keychain-account.js'

/** The keychain service of the binding in use (state/context.ts). */
export const service = () => keychainBinding().service

type Keytar = typeof import('@github/keytar')
let keytar: Promise<Keytar> | undefined
/** Socket descriptors open before keytar's first call (see releaseStuckCalls). */
let socketsBefore: Set<string> | undefined

function load(): Promise<Keytar> {
  socketsBefore ??= new Set(openSockets())
  onExit(releaseStuckCalls)
  // require, not import(): keytar is CommonJS.
  keytar ??= new Promise<Keytar>(resolve => resolve(createRequire(import.meta.url)('@github/keytar') as Keytar)).catch(e => {
    throw new PatError(
      'KEYCHAIN',
      `cannot load the keychain library (${(e as Error).message.split('\n')[0]}); on Linux install libsecret-1-0 (./install.sh does)`,
    )
  })
  return keytar
}

/** Set once a call went unanswered: later calls in this process fail at once. */
let unanswered: PatError | undefined
/** keytar calls started and not yet settled (a frozen keyring's stay pending). */
let inflight = 0

/** Tests: forget that the keyring did not answer. */
export function resetKeyringState(): void {
  unanswered = undefined
}

async function bounded<T>(what: string, call: (k: Keytar) => Promise<T>): Promise<T> {
  if (unanswered) throw unanswered
  const k = await load()
  const ms = keychainBinding().timeoutMs
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, rej) => {
    timer = setTimeout(() => {
      unanswered ??= new PatError('KEYCHAIN', `the keyring is not answering (${what} took over ${ms / 1000} s)`, 'keychain-frozen')
      rej(unanswered)
    }, ms)
    timer.unref()
  })
  inflight++
  const work = call(k).finally(() => inflight--)
  try {
    return await Promise.race([work, timeout])
  } catch (e) {
    if (e instanceof PatError) throw e
    const msg = (e as Error).message
    throw new PatError('KEYCHAIN', `the keyring refused ${what}: ${msg}`, troubleOf(msg))
  } finally {
    clearTimeout(timer)
  }
}

/**
 * What libsecret's message says went wrong (the fix is in errors.ts). No
 * bus: GDBus's "Cannot autolaunch D-Bus without X11 $DISPLAY" (the variable
 * unset) or "Could not connect" (nobody listens); a bus but no keyring:
 * "…was not provided by any .service files". A locked or missing login
 * collection needs a prompt: "Object does not exist at path …/collection/login",
 * "Cannot create an item in a locked collection", a dismissed prompt.
 */
export function troubleOf(message: string): Trouble {
  if (/autolaunch|could not connect|not provided by any|ServiceUnknown|NoServer|connection refused/i.test(message)) return 'keychain-absent'
  if (/locked|Object does not exist at path|prompt|dismissed|cancell?ed/i.test(message)) return 'keychain-locked'
  return 'keychain-refused'
}

// ---- raw accounts (migration, doctor) ----------------------------------------

export function getRaw(account: string): Promise<string | null> {
  return bounded('a read', k => k.getPassword(service(), account))
}

export function setRaw(account: string, secret: string): Promise<void> {
  return bounded('a write', k => k.setPassword(service(), account, secret))
}

export function deleteRaw(account: string): Promise<boolean> {
  return bounded('a delete', k => k.deletePassword(service(), account))
}

/** Every account under our service, of every store (never the secrets). */
export async function listAccounts(): Promise<string[]> {
  const creds = await bounded('a listing', k => k.findCredentials(service()))
  return creds.map(c => c.account)
}

/** Every item under our service, with its secret (migration only). */
export function listItems(): Promise<Array<{ account: string; password: string }>> {
  return bounded('a listing', k => k.findCredentials(service()))
}

// ---- a token's items in the bound store (keychain-account.ts) ----------------

export async function getSecret(name: string): Promise<string | null> {
  const s = await getRaw(accountFor(name))
  // Read without an id and found nothing: another process may have just
  // migrated the items under the id it gave the file; look there.
  if (s === null && storeId() === null && rebindStore()) return getRaw(accountFor(name))
  return s
}

export function setSecret(name: string, secret: string): Promise<void> {
  return setRaw(accountFor(name), secret)
}

export function deleteSecret(name: string): Promise<boolean> {
  return deleteRaw(accountFor(name))
}

// ---- leaving on time ----------------------------------------------------------

function openSockets(): string[] {
  try {
    return readdirSync('/proc/self/fd').filter(fd => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:')
      } catch {
        return false
      }
    })
  } catch {
    return [] // no /proc (macOS, Windows): nothing to release
  }
}

/**
 * Let the process exit although a keytar call never returned. The call
 * sits in a libuv worker thread, blocked in libsecret's D-Bus request to a
 * frozen daemon (25 s per request, two requests), and
 * process.exit() joins the worker threads, so it would wait
 * just as long. Half-closing the D-Bus connection (the socket libsecret
 * opened after our first call) makes GDBus fail the pending request at
 * once. GDBus then raises SIGTERM (the shared bus connection's
 * exit-on-close), which is ignored here: the process is leaving anyway,
 * with its own exit code. Only sockets opened since keytar's first call are
 * touched, and only when a call is still pending.
 */
export async function releaseStuckCalls(maxMs = 1000): Promise<void> {
  if (inflight === 0 || !socketsBefore) return
  const fresh = openSockets().filter(fd => !socketsBefore!.has(fd))
  if (!fresh.length) return
  process.on('SIGTERM', () => {})
  const net = await import('node:net')
  await Promise.all(
    fresh.map(
      fd =>
        new Promise<void>(resolve => {
          const timer = setTimeout(resolve, maxMs)
          const done = () => {
            clearTimeout(timer)
            resolve()
          }
          try {
            const s = new net.Socket({ fd: Number(fd), readable: false, writable: true })
            s.on('error', done)
            // Resolve once our handle has closed the descriptor, not when the
            // FIN is written: a close still pending at exit could hit the
            // same number reused by an exit hook's file.
            s.on('close', done)
            s.end()
          } catch {
            done()
          }
        }),
    ),
  )
}
