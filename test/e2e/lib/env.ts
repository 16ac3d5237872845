// Helpers for end-to-end tests: every test gets its own state directory and
// git config so tests can run in parallel, and everything runs the built
// binary the way git would: the launcher install.sh puts on PATH
// (dist/bin/git-credential-pat, Bun from its #! line, where the build made
// one; else bin/git-credential-pat). test/e2e/runtime.ts runs both.
import { spawn, type SpawnOptions } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TokenRecord } from '../../../src/state/tokens.js'

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
/** The portable sh launcher. */
export const shBin = join(root, 'bin', 'git-credential-pat')
/** What install.sh links onto PATH (install.sh `launcher`). */
export const bin = existsSync(join(root, 'dist', 'bin', 'git-credential-pat')) ? join(root, 'dist', 'bin', 'git-credential-pat') : shBin

export interface RunResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface Sandbox {
  dir: string
  /** Environment for git and the helper: own HOME, GIT_CREDENTIAL_PAT_HOME and global git config. */
  env: NodeJS.ProcessEnv
  /** Run the built helper with args, feeding input on stdin. */
  pat(args: string[], opts?: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string }): Promise<RunResult>
  /** Run real git with args. */
  git(args: string[], opts?: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string }): Promise<RunResult>
  /** Add a token through the CLI (secret on stdin, never argv). Throws if it fails. */
  addToken(scope: string, secret: string, flags?: string[]): Promise<RunResult>
  /** Set keys in the sandbox's global git config. Throws if git refuses. */
  gitConfig(pairs: Array<[string, string]>): Promise<void>
  /** The token records, as `list --json` prints them. */
  tokens(): Promise<TokenRecord[]>
}

/**
 * Run a command to completion, collecting output. Never throws on exit code.
 * In a session of its own (setsid): without a controlling terminal, as git
 * runs the helper from a script, so nothing reaches the terminal the tests
 * run at (a test that wants one makes a pty: lib/tmux.ts).
 */
export function run(cmd: string, args: string[], opts: SpawnOptions & { input?: string } = {}): Promise<RunResult> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { detached: true, ...opts, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout!.setEncoding('utf8').on('data', d => (stdout += d))
    child.stderr!.setEncoding('utf8').on('data', d => (stderr += d))
    child.on('error', rej)
    child.on('close', (code, signal) => res({ code, signal, stdout, stderr }))
    child.stdin!.on('error', () => {})
    child.stdin!.end(opts.input ?? '')
  })
}

/** A fresh, isolated sandbox under the test session's temporary HOME. */
export function sandbox(name = 'e2e'): Sandbox {
  const dir = mkdtempSync(join(process.env.TMPDIR || tmpdir(), `gcp-${name}-`))
  const home = join(dir, 'home')
  mkdirSync(home, { recursive: true })
  const gitconfig = join(home, '.gitconfig')
  writeFileSync(gitconfig, '[user]\n\tname = e2e\n\temail = e2e@example.invalid\n[init]\n\tdefaultBranch = main\n[protocol]\n\tallow = always\n')
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    GIT_CONFIG_GLOBAL: gitconfig,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CREDENTIAL_PAT_HOME: join(dir, 'pat'),
    // Token names repeat across tests that share the session keyring.
    GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE: `git-credential-pat-test-${basename(dir)}`,
    GIT_TERMINAL_PROMPT: '0',
    // add asks no forge unless a test says so (--check, or this unset): tests reach only loopback servers.
    GIT_CREDENTIAL_PAT_ADD_CHECK: '0',
    PATH: `${dirname(bin)}:${process.env.PATH}`,
  }
  delete env.GIT_ASKPASS
  delete env.SSH_ASKPASS
  // The helper runs as users run it: without tap's per-process
  // instrumentation (NODE_OPTIONS --import …), which the Node runtime would
  // otherwise load on every spawn, and whose exit hook writes files.
  for (const k of Object.keys(env)) if (k === 'NODE_OPTIONS' || k === 'NODE_V8_COVERAGE' || k.startsWith('_TAPJS_')) delete env[k]
  const sb: Sandbox = {
    dir,
    env,
    pat: (args, o = {}) => run(bin, args, { cwd: o.cwd ?? dir, env: { ...env, ...o.env }, input: o.input }),
    git: (args, o = {}) => run('git', args, { cwd: o.cwd ?? dir, env: { ...env, ...o.env }, input: o.input }),
    async addToken(scope, secret, flags = []) {
      const r = await sb.pat(['add', scope, '--token-stdin', ...flags], { input: secret })
      if (r.code !== 0) throw new Error(`add ${scope} failed (${r.code}): ${r.stderr}`)
      return r
    },
    async gitConfig(pairs) {
      for (const [k, v] of pairs) {
        const r = await sb.git(['config', '--global', k, v])
        if (r.code !== 0) throw new Error(`git config ${k} failed: ${r.stderr}`)
      }
    },
    async tokens() {
      const r = await sb.pat(['list', '--json'])
      if (r.code !== 0) throw new Error(`list failed (${r.code}): ${r.stderr}`)
      return JSON.parse(r.stdout) as TokenRecord[]
    },
  }
  return sb
}

/** Parse git credential protocol output into an object (last value wins). */
export function parseCredential(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const i = line.indexOf('=')
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1)
  }
  return out
}

/**
 * A copy of this installation (bin/, dist/, install.sh; node_modules linked)
 * under `dir`, for tests of install.sh: its --uninstall stops every daemon
 * the installation started, and the other tests' daemons are this
 * checkout's. Returns the copy's root and its launchers, as `bin`/`shBin` are here.
 */
export function installationCopy(dir: string): { root: string; bin: string; shBin: string } {
  const copy = join(dir, 'installation')
  mkdirSync(copy, { recursive: true })
  for (const f of ['bin', 'dist', 'install.sh', 'package.json']) cpSync(join(root, f), join(copy, f), { recursive: true, verbatimSymlinks: true })
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'))
  const direct = join(copy, 'dist', 'bin', 'git-credential-pat')
  const sh = join(copy, 'bin', 'git-credential-pat')
  return { root: copy, bin: existsSync(direct) ? direct : sh, shBin: sh }
}
