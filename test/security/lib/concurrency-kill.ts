// kill -9 mid-write: rounds of a few writers at once, one
// of them SIGKILLed after a seeded random delay, then a `store` that must
// succeed as git would expect (git ignores a failing store, so a failure is a
// credential silently lost).
import { spawn } from 'node:child_process'
import { bin, type Sandbox } from '../../e2e/lib/env.js'

/** mulberry32: a small seeded PRNG, so a failing round can be replayed from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = Math.imul(a ^ (a >>> 15), 1 | a)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

export interface Spawned {
  pid: number
  /** Resolves when it exits; a process still running after `limitMs` is killed and reported as such. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; ms: number; overran: boolean }>
  kill(): boolean
}

/** Start the built helper with `args`, feeding `input`; bounded by `limitMs`. */
export function start(sb: Sandbox, args: string[], input: string, limitMs = 30_000): Spawned {
  const t0 = Date.now()
  // The launcher itself: Bun from its #! line (or sh exec'ing the runtime), so the kill lands on the writer.
  const child = spawn(bin, args, { cwd: sb.dir, env: sb.env, stdio: ['pipe', 'ignore', 'pipe'] })
  let stderr = ''
  let overran = false
  child.stderr!.setEncoding('utf8').on('data', d => (stderr += d))
  child.stdin!.on('error', () => {})
  child.stdin!.end(input)
  const timer = setTimeout(() => {
    overran = true
    child.kill('SIGKILL')
  }, limitMs)
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; ms: number; overran: boolean }>((res, rej) => {
    child.on('error', rej)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      res({ code, signal, stderr, ms: Date.now() - t0, overran })
    })
  })
  return { pid: child.pid!, done, kill: () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL') }
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
