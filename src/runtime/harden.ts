// The daemon makes itself hard to read at start, as OpenSSH's ssh-agent does
// (platform_disable_tracing): not dumpable (prctl(2) PR_SET_DUMPABLE 0: no
// other process of the user may ptrace it or read its memory or environment
// through /proc), and no core file (setrlimit(2) RLIMIT_CORE 0) that could
// hold its cached secrets. Linux under Bun only, through bun:ffi: Node has no
// call for either, and then doctor says what holds (cli/doctor/daemon.ts).
import { runtime } from './choose.js'
import { dlopenLibc } from './libc.js'

export interface Hardening {
  /** PR_SET_DUMPABLE 0 took. */
  notDumpable: boolean
  /** RLIMIT_CORE is 0. */
  noCore: boolean
}

const PR_SET_DUMPABLE = 4
const RLIMIT_CORE = 4

export function hardenProcess(): Hardening {
  const none = { notDumpable: false, noCore: false }
  if (!runtime.ffi) return none
  const lib = dlopenLibc(T => ({
    prctl: { args: [T.i32, T.u64, T.u64, T.u64, T.u64], returns: T.i32 },
    setrlimit: { args: [T.i32, T.ptr], returns: T.i32 },
  }))
  if (!lib) return none // no bun:ffi or no glibc: as under Node
  try {
    const zero = new BigUint64Array(2) // struct rlimit { rlim_cur, rlim_max }: both 0
    const noCore = lib.c.setrlimit(RLIMIT_CORE, zero) === 0
    const notDumpable = lib.c.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) === 0
    return { notDumpable, noCore }
  } catch {
    return none
  }
}
