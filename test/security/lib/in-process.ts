// The git side run in-process, for the protocol fuzzer: the same steps as
// src/helper.ts runHelper() (parse the bytes, ignore non-http protocols,
// then get/store/erase), minus the process around them, so 10,000 inputs
// take seconds instead of a spawn each. Everything runs
// against a sandbox state directory and its own keychain service in the
// test keyring; stdout and stderr are captured per call: stderr where the
// helper writes it (errSink in src/log/stderr.ts, fd 2 directly, which a
// patched process.stderr.write never sees), errors said by report() as the
// binary says them.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { useTestKeychain } from '../../lib/context.js'

// As the entry point does: the keychain of this process's environment is the one in use.
useTestKeychain()

type Keytar = typeof import('@github/keytar')
const keytar = createRequire(import.meta.url)('@github/keytar') as Keytar

/**
 * Every keychain write or delete made in this process is counted: the
 * helper's keychain module requires the same keytar object, so a change to
 * the keychain shows without asking the Secret Service for every item
 * after each of 10,000 inputs (a D-Bus round trip each).
 */
let keychainWrites = 0
for (const method of ['setPassword', 'deletePassword'] as const) {
  const real = keytar[method] as (...a: unknown[]) => Promise<unknown>
  ;(keytar as unknown as Record<string, unknown>)[method] = (...a: unknown[]) => {
    keychainWrites++
    return real.apply(keytar, a)
  }
}

export interface Outcome {
  exit: number
  stdout: string
  stderr: string
  /** The input was refused as malformed (parseCredential threw). */
  malformed: boolean
  /** A thrown value that is not a PatError: a crash. */
  crash?: unknown
  /** What parseCredential returned, when it did. */
  cred?: import('../../../src/core/protocol.js').Credential
  /** Keychain writes and deletes made during the call. */
  keychainWrites: number
}

export interface Sandbox {
  dir: string
  env: NodeJS.ProcessEnv
  service: string
  metadata: string
  run(op: 'get' | 'store' | 'erase', input: Buffer): Promise<Outcome>
  /** Any code under the same capture as run (the harness's own mutation tests plant leaks with it). */
  capture(fn: () => unknown): Promise<Pick<Outcome, 'stdout' | 'stderr'> & { exit: number }>
  /** Metadata bytes and every keychain item (account and secret) of the sandbox's service. */
  snapshot(): Promise<string>
  metadataBytes(): string
  /** Put the seeded state back (full: compare every keychain item, after a child process ran). */
  reset(full?: boolean): Promise<void>
  close(): Promise<void>
}

/**
 * Set up the sandbox; must run before the src modules are first used, as
 * the keychain service and a few settings are read from process.env.
 */
export async function sandbox(name: string, seed: (env: NodeJS.ProcessEnv) => Promise<void>): Promise<Sandbox> {
  const dir = mkdtempSync(join(process.env.TMPDIR || tmpdir(), `gcp-${name}-`))
  const home = join(dir, 'home')
  mkdirSync(home)
  const gitconfig = join(home, '.gitconfig')
  writeFileSync(gitconfig, '')
  const service = `git-credential-pat-test-${basename(dir)}`
  const vars: NodeJS.ProcessEnv = {
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    GIT_CONFIG_GLOBAL: gitconfig,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CREDENTIAL_PAT_HOME: join(dir, 'pat'),
    GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE: service,
    GIT_CREDENTIAL_PAT_DAEMON: 'never',
    GIT_TERMINAL_PROMPT: '0',
    CI: '1', // never a prompt (src/prompt.ts promptMode)
  }
  Object.assign(process.env, vars)
  delete process.env.GIT_ASKPASS
  delete process.env.SSH_ASKPASS
  // One env object for every call: git config is read once per env (settings.ts).
  const env = process.env
  const metadata = join(vars.GIT_CREDENTIAL_PAT_HOME!, 'tokens.json')

  const { parseCredential } = await import('../../../src/core/protocol.js')
  const { PatError } = await import('../../../src/errors.js')
  const { report } = await import('../../../src/log/report.js')
  const { errSink } = await import('../../../src/log/stderr.js')
  const { get } = await import('../../../src/git/get.js')
  const { store } = await import('../../../src/git/store.js')
  const { erase } = await import('../../../src/git/erase.js')

  const metadataBytes = () => {
    try {
      return readFileSync(metadata, 'latin1')
    } catch {
      return '(none)'
    }
  }
  const keychainItems = async () =>
    (await keytar.findCredentials(service))
      .map(c => `${c.account}=${c.password}`)
      .sort()
      .join('\n')
  const snapshot = async () => `${metadataBytes()}\n--keychain--\n${await keychainItems()}`

  async function clear(): Promise<void> {
    for (const c of await keytar.findCredentials(service)) await keytar.deletePassword(service, c.account)
    rmSync(vars.GIT_CREDENTIAL_PAT_HOME!, { recursive: true, force: true })
  }
  await clear()
  await seed(env)
  const seededMeta = metadataBytes()
  const seededItems = await keytar.findCredentials(service)
  let writesAtSeed = keychainWrites

  /** stdout and stderr of one call: process.stdout/stderr and the helper's own fd 2 writer. */
  let stdout = ''
  let stderr = ''
  async function captured<T>(fn: () => Promise<T>): Promise<T> {
    stdout = stderr = ''
    const out = process.stdout.write
    const err = process.stderr.write
    const sink = errSink.write
    process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof out
    process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof err
    errSink.write = text => void (stderr += text)
    try {
      return await fn()
    } finally {
      process.stdout.write = out
      process.stderr.write = err
      errSink.write = sink
    }
  }

  async function capture(fn: () => unknown): Promise<{ exit: number; stdout: string; stderr: string }> {
    return captured(async () => {
      let exit = 0
      try {
        await fn()
      } catch (e) {
        exit = report(e)
      }
      return { exit, stdout, stderr }
    })
  }

  const run = (op: 'get' | 'store' | 'erase', input: Buffer): Promise<Outcome> => captured(() => runOne(op, input))

  async function runOne(op: 'get' | 'store' | 'erase', input: Buffer): Promise<Outcome> {
    const writesBefore = keychainWrites
    const result = (exit: number, malformed: boolean, extra: Partial<Outcome> = {}): Outcome => ({
      exit,
      stdout,
      stderr,
      malformed,
      keychainWrites: keychainWrites - writesBefore,
      ...extra,
    })
    // report() says a PatError as the binary does (one line, exit 1 or 2); anything else is a crash.
    const fail = (e: unknown, malformed: boolean, cred?: Outcome['cred']): Outcome => {
      if (e instanceof PatError) return result(report(e), malformed, { cred })
      return result(1, malformed, { crash: e, cred })
    }
    let cred
    try {
      cred = parseCredential(input)
    } catch (e) {
      return fail(e, true)
    }
    try {
      if (cred.protocol !== undefined && !['http', 'https'].includes(cred.protocol.toLowerCase())) return result(0, false, { cred })
      if (op === 'get') stdout += await get(cred, { env, now: new Date() })
      else if (op === 'store') await store(cred, { env, now: new Date() })
      // The forge is never asked here: it would be the network.
      else await erase(cred, { env, now: new Date(), stillValid: async () => false })
      return result(0, false, { cred })
    } catch (e) {
      return fail(e, false, cred)
    }
  }

  /** Back to the seeded state; cheap when nothing changed (the usual case). */
  async function reset(full = false): Promise<void> {
    if (!full && metadataBytes() === seededMeta && keychainWrites === writesAtSeed) return
    writeFileSync(metadata, seededMeta, { encoding: 'latin1', mode: 0o600 })
    const want = new Map(seededItems.map(c => [c.account, c.password]))
    for (const c of await keytar.findCredentials(service)) {
      if (want.get(c.account) === c.password) want.delete(c.account)
      else if (!want.has(c.account)) await keytar.deletePassword(service, c.account)
    }
    for (const [account, password] of want) await keytar.setPassword(service, account, password)
    writesAtSeed = keychainWrites
  }

  return {
    dir,
    env,
    service,
    metadata,
    run,
    capture,
    snapshot,
    metadataBytes,
    reset,
    async close() {
      await clear()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
