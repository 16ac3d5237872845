// Which runtime runs this process, decided once at start: Bun or Node, and
// whether libc may be called through bun:ffi (Linux x64/arm64 under Bun;
// main.ts keeps git's read path off it with GIT_CREDENTIAL_PAT_NO_FFI set). Everything that differs between
// the runtimes asks here instead of testing `typeof Bun` itself.

/** What of Bun's own API this program uses (Bun's docs: Bun.version, Bun.mmap, Bun.connect, Bun.CryptoHasher). */
export interface BunApi {
  version: string
  mmap(path: string, opts: { shared: boolean }): Uint8Array
  connect(o: { unix: string; socket: Record<string, (...a: never[]) => void> }): Promise<unknown>
  CryptoHasher: new (alg: 'sha256', key: Uint8Array) => { update(d: Uint8Array | string): unknown; digest(): Uint8Array }
}

declare const Bun: BunApi | undefined

export interface Runtime {
  name: 'bun' | 'node'
  /** Bun's API under Bun, else undefined. */
  bun: BunApi | undefined
  /** libc can be called through bun:ffi here (the daemon's start-up hardening, and git's read path: runtime/libc.ts). */
  ffi: boolean
}

function choose(): Runtime {
  const bun = typeof Bun === 'undefined' ? undefined : Bun
  const ffi = !!bun && process.platform === 'linux' && (process.arch === 'x64' || process.arch === 'arm64')
  return { name: bun ? 'bun' : 'node', bun, ffi }
}

/** Per process by nature: the runtime does not change while it runs. */
export const runtime: Runtime = choose()
