// Runner for the confusion suite: each group is one
// token set in one sandbox, asked about many URLs through real git.
//
// Two ways to ask git:
// - server groups: `git ls-remote URL` against the loopback smart-HTTP
//   server (test/e2e/lib/git-server.ts); the result is what the SERVER
//   recorded, i.e. which of our tokens each request carried. Every token is
//   valid for every repository there, so a token sent where it should not
//   be succeeds and is seen, instead of being hidden by a 401 (which would
//   also make git erase it and change the shared sandbox).
// - fill groups: `git credential fill` for hosts the loopback server cannot
//   be (gitlab.com, look-alikes, IDN): git parses the URL exactly as it does
//   for a remote, applies credential.useHttpPath, asks our helper, and we
//   read the password git would send.
import { run, sandbox, type RunResult, type Sandbox } from '../../e2e/lib/env.js'
import { startGitServer, type GitServer } from '../../e2e/lib/git-server.js'

/** A token added with `add`. `key` names it in cases; its secret is derived from group and key. */
export interface TokenDef {
  key: string
  scope: string
  /** --username; leave out only when the scope names the user (`http://alice@host`). */
  username?: string
  expires?: string
}

/** The token key git must send, or null for none. */
export type Expect = string | null

export interface Case {
  name: string
  expect: Expect
  /**
   * Other results the scope rules allow (`..` may be normalised before
   * comparison or refused, so both answers are right); anything else fails.
   */
  alsoOk?: Expect[]
  /** Extra `-c key=value` for this git call (e.g. useHttpPath off). */
  config?: Array<[string, string]>
}

export interface ServerCase extends Case {
  url: string
  /** Also check the Basic username the server saw. */
  user?: string
}

export interface FillCase extends Case {
  /** What is written to `git credential fill`: `url=…` or protocol/host/path attributes. */
  input: string
}

export interface ServerGroup {
  name: string
  repos: string[]
  /** Scopes depend on the server's port. */
  tokens(port: number): TokenDef[]
  cases(port: number): ServerCase[]
}

export interface FillGroup {
  name: string
  tokens: TokenDef[]
  cases: FillCase[]
}

export interface Outcome {
  case: Case
  /** Keys of our tokens that were sent (server) or returned (fill), distinct, in order. */
  got: string[]
  /** Basic usernames the server saw with our tokens. */
  users?: string[]
  /** git's exit code and stderr, for the diagnostic of a failure. */
  code: number | null
  stderr: string
}

export interface GroupResult {
  name: string
  kind: 'server' | 'fill'
  outcomes: Outcome[]
  /** Set when the group could not be set up (add refused a scope, …). */
  error?: string
}

const GIT_TIMEOUT = 60_000

/** Run fn over items, at most `limit` at a time, results in input order. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}

export const secretOf = (group: string, key: string) => `confusion-${group.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}-${key.toLowerCase()}-secret`

interface Box {
  sb: Sandbox
  /** secret → key */
  keys: Map<string, string>
}

/** A sandbox using the built helper, with the group's tokens added through the CLI. */
async function setup(group: string, tokens: TokenDef[]): Promise<Box> {
  const sb = sandbox('confusion')
  // No cache daemon: each call is answered from the metadata we set up.
  sb.env.GIT_CREDENTIAL_PAT_DAEMON = 'never'
  await sb.gitConfig([['credential.helper', 'pat']])
  const keys = new Map<string, string>()
  for (const tok of tokens) {
    const secret = secretOf(group, tok.key)
    keys.set(secret, tok.key)
    const flags = ['--name', tok.key, '--provider', 'generic']
    if (tok.username !== undefined) flags.push('--username', tok.username)
    if (tok.expires !== undefined) flags.push('--expires', tok.expires)
    await sb.addToken(tok.scope, secret, flags)
  }
  return { sb, keys }
}

const configArgs = (c: Case) => (c.config ?? []).flatMap(([k, v]) => ['-c', `${k}=${v}`])

function git(b: Box, args: string[], input?: string): Promise<RunResult> {
  // spawn's timeout bounds every call: a hang is a failure, never a stuck suite.
  return run('git', args, { cwd: b.sb.dir, env: b.sb.env, input, timeout: GIT_TIMEOUT, killSignal: 'SIGKILL' })
}

function distinct(xs: string[]): string[] {
  return [...new Set(xs)]
}

export async function runServerGroup(g: ServerGroup): Promise<GroupResult> {
  let srv: GitServer | undefined
  const result: GroupResult = { name: g.name, kind: 'server', outcomes: [] }
  try {
    srv = await startGitServer({ repos: g.repos })
    const tokens = g.tokens(srv.port)
    const b = await setup(g.name, tokens)
    // Valid everywhere, any username: the server never hides a wrong send.
    for (const secret of b.keys.keys()) srv.addToken({ token: secret, paths: [''], access: 'read' })
    // Cases run one after another so each owns the requests recorded meanwhile.
    for (const c of g.cases(srv.port)) {
      const from = srv.requests.length
      const r = await git(b, [...configArgs(c), 'ls-remote', c.url])
      const carried = srv.requests.slice(from).filter(q => q.token)
      const got = distinct(carried.map(q => b.keys.get(q.token!) ?? `unknown secret (${q.token!.length} chars)`))
      const users = distinct(carried.filter(q => b.keys.has(q.token!)).map(q => q.username ?? ''))
      result.outcomes.push({ case: c, got, users, code: r.code, stderr: r.stderr })
    }
  } catch (err) {
    result.error = (err as Error).message
  } finally {
    await srv?.close()
  }
  return result
}

export async function runFillGroup(g: FillGroup): Promise<GroupResult> {
  const result: GroupResult = { name: g.name, kind: 'fill', outcomes: [] }
  try {
    const b = await setup(g.name, g.tokens)
    for (const c of g.cases) {
      const r = await git(b, [...configArgs(c), 'credential', 'fill'], c.input)
      const password = /^password=(.*)$/m.exec(r.stdout)?.[1]
      // A password git took from the URL itself is not ours: only our secrets count.
      const got = password === undefined ? [] : [b.keys.get(password) ?? `unknown password (${password.length} chars)`]
      result.outcomes.push({ case: c, got, code: r.code, stderr: r.stderr })
    }
  } catch (err) {
    result.error = (err as Error).message
  }
  return result
}

/** Whether an outcome is what the case expects (or one of the answers it also allows). */
export function accepted(o: Outcome): boolean {
  const ok = [o.case.expect, ...(o.case.alsoOk ?? [])]
  return ok.some(e => (e === null ? o.got.length === 0 : o.got.length === 1 && o.got[0] === e))
}

/** `url=…` input for git credential fill, as git reads a remote URL. */
export const url = (u: string) => `url=${u}\n\n`

/** Attribute input, for paths git would have decoded had they come in a URL. */
export const attrs = (protocol: string, host: string, path?: string) => `protocol=${protocol}\nhost=${host}\n${path === undefined ? '' : `path=${path}\n`}\n`
