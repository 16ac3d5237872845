// The context a process runs in: its environment, its clock, where its
// state lives, and the keychain it binds to. Built once by main.ts and
// passed down (the daemon answers each request with its own clock and home,
// and the client's metadata file, pending directory and keychain service
// from the request); nothing below reads process.env or the clock itself,
// so a daemon request or a test is judged with its own.
import { statePaths, type StatePaths } from './paths.js'

/**
 * Where a token's keychain items are (keychain-account.ts): the service and
 * the bound metadata file with its store id (undefined: not read yet; null:
 * the file has none, bare names), and how long a keychain call may take.
 */
export interface KeychainBinding {
  readonly service: string
  readonly timeoutMs: number
  file: string
  id: string | null | undefined
}

export interface Context {
  readonly env: NodeJS.ProcessEnv
  /** The clock: now, each time it is asked. */
  now(): Date
  /** Where this context's state lives, worked out the first time it is asked (git's path may never need it). */
  readonly paths: StatePaths
  /** The keychain this context's tokens live in, bound to its metadata file. */
  readonly keychain: KeychainBinding
}

const DEFAULT_SERVICE = 'git-credential-pat'

/** A context for `env` and `clock`; paths and keychain are worked out from `env` when first asked for. */
export function contextOf(env: NodeJS.ProcessEnv, clock: () => Date = () => new Date()): Context {
  let paths: StatePaths | undefined
  let keychain: KeychainBinding | undefined
  return {
    env,
    now: clock,
    get paths() {
      return (paths ??= statePaths(env))
    },
    get keychain() {
      return (keychain ??= keychainOf(env))
    },
  }
}

/** This process's context: its own environment and the real clock (main.ts). */
export const processContext = (): Context => contextOf(process.env)

/**
 * Accounts carry the store id, so homes sharing one keyring never collide;
 * tests may still set their own service. Read from `env` when asked, as the
 * metadata file is until tokens.ts binds the one it read.
 */
function keychainOf(env: NodeJS.ProcessEnv): KeychainBinding {
  let file: string | undefined
  return {
    get service() {
      return env.GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE || DEFAULT_SERVICE
    },
    get timeoutMs() {
      const n = Number(env.GIT_CREDENTIAL_PAT_KEYCHAIN_TIMEOUT_MS)
      return Number.isFinite(n) && n > 0 ? n : 5000
    },
    get file() {
      return (file ??= statePaths(env).metadata)
    },
    set file(f: string) {
      file = f
    },
    id: undefined,
  }
}
