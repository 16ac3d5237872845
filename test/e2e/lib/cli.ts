// Helpers for the management CLI's end-to-end tests (cli.ts, doctor.ts).
import { spawn } from 'node:child_process'
import { bin, parseCredential, sandbox, type RunResult, type Sandbox } from './env.js'

export interface Token {
  name: string
  scope: string
  username: string
  provider: string
  expires: string | null
  access: string
  description?: string
  created: string
  rotated?: string
  state: string
  rejected?: { at: string; url: string }
  source: string
  origin: string
  hasRefreshToken?: boolean
}

export interface Check {
  id: string
  status: 'ok' | 'warn' | 'fail' | 'skip'
  summary: string
  details: string[]
  fix: string[]
}

/** A sandbox; the daemon stays out of the way (its own tests cover it). */
export function box(name: string): Sandbox {
  const sb = sandbox(`cli-${name}`)
  Object.assign(sb.env, { GIT_CREDENTIAL_PAT_DAEMON: 'never' })
  return sb
}

export async function ok(sb: Sandbox, args: string[], input?: string): Promise<RunResult> {
  const r = await sb.pat(args, { input })
  if (r.code !== 0) throw new Error(`${args.join(' ')} exited ${r.code}: ${r.stderr}`)
  return r
}

export const listJson = async (sb: Sandbox) => JSON.parse((await ok(sb, ['list', '--json'])).stdout) as Token[]
export const showJson = async (sb: Sandbox, name: string) => JSON.parse((await ok(sb, ['show', name, '--json'])).stdout) as Token

export async function doctorJson(
  sb: Sandbox,
  env?: NodeJS.ProcessEnv,
): Promise<{ code: number | null; ok: boolean; checks: Record<string, Check>; raw: RunResult }> {
  const r = await sb.pat(['doctor', '--json'], { env })
  const parsed = JSON.parse(r.stdout) as { ok: boolean; checks: Check[] }
  return { code: r.code, ok: parsed.ok, checks: Object.fromEntries(parsed.checks.map(c => [c.id, c])), raw: r }
}

/** What `get` answers for a URL (the protocol git speaks). */
export async function get(sb: Sandbox, url: string): Promise<Record<string, string>> {
  const u = new URL(url)
  const path = u.pathname.replace(/^\//, '')
  const r = await sb.pat(['get'], { input: `protocol=${u.protocol.slice(0, -1)}\nhost=${u.host}\n${path ? `path=${path}\n` : ''}\n` })
  return parseCredential(r.stdout)
}

const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`

/**
 * Run the binary on a pseudo-terminal (util-linux script), typing each
 * answer once its question has appeared. Returns everything the terminal showed.
 */
export function onTty(
  sb: Sandbox,
  args: string[],
  answers: { after: RegExp; text: string }[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; screen: string }> {
  return new Promise((resolve, reject) => {
    const cmd = [bin, ...args].map(sh).join(' ')
    const child = spawn('script', ['-qefc', cmd, '/dev/null'], {
      cwd: sb.dir,
      env: { ...sb.env, TERM: 'xterm', NO_COLOR: undefined, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let screen = ''
    let next = 0
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    child.stdout.setEncoding('utf8').on('data', d => {
      screen += d
      while (next < answers.length && answers[next].after.test(screen)) child.stdin.write(answers[next++].text)
    })
    child.stderr.setEncoding('utf8').on('data', d => (screen += d))
    child.on('error', reject)
    child.on('close', code => {
      clearTimeout(timer)
      resolve({ code, screen })
    })
  })
}
