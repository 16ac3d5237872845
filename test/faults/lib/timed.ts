// Run the built helper with a hard kill timer, and say how long it took: the
// fault tests' bound is the product's contract (every command
// returns within about 6 s of the keyring failing: docs/git-credential-pat.md, "Storage"), not a speed measurement.
import { spawn } from 'node:child_process'
import { bin } from '../../e2e/lib/env.js'

export interface Timed {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  ms: number
}

/** Past this the child is killed, so a hang fails the test instead of stalling the run. */
export const HARD_KILL_MS = 15_000
/**
 * The asserted bound: the contract is 6 s; 8 s leaves room for a loaded CI
 * machine (two cores shared by parallel tests) without hiding a 50 s hang.
 */
export const BOUND_MS = 8_000

export function timed(cmd: string, args: string[], opts: { env: NodeJS.ProcessEnv; input?: string; cwd?: string }): Promise<Timed> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] })
    const killer = setTimeout(() => child.kill('SIGKILL'), HARD_KILL_MS)
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', d => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', d => (stderr += d))
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(killer)
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started })
    })
    child.stdin.on('error', () => {})
    child.stdin.end(opts.input ?? '')
  })
}

/** The helper as git runs it. */
export const pat = (args: string[], opts: { env: NodeJS.ProcessEnv; input?: string; cwd?: string }) => timed(bin, args, opts)
