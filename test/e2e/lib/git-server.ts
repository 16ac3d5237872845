// A loopback git smart-HTTP server for end-to-end tests: a Node `http`
// server that checks HTTP Basic credentials against a token table and then
// hands the request to the real `git http-backend` as a CGI program
// (see `git help http-backend`, Documentation/git-http-backend.adoc).
//
// Everything lives under one temporary directory that close() removes.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export type Access = 'read' | 'read-write'

export interface TokenSpec {
  /** The secret, sent by git as the HTTP Basic password. */
  token: string
  /** When set, the Basic username must equal it; otherwise any username is accepted. */
  username?: string
  /**
   * Repository path prefixes the token may reach, compared segment by
   * segment: '' = every repository, 'group/' (or 'group', 'group/*') = every
   * repository under group/, 'group/a' = that repository. A '.git' suffix is
   * ignored.
   */
  paths: string[]
  access: Access
}

export type Service = 'git-upload-pack' | 'git-receive-pack'

export interface RequestRecord {
  method: string
  /** Host name the client addressed ('127.0.0.1' or 'localhost'), without port. */
  host: string
  /** The raw request target, e.g. '/group/a.git/info/refs?service=git-upload-pack'. */
  url: string
  /** Repository path without '.git' (e.g. 'group/a'), or null when the URL names none. */
  path: string | null
  service: Service | null
  /** Basic username sent, or null when no Basic credentials were sent. */
  username: string | null
  /** Basic password (the token) sent, or null. */
  token: string | null
  /** HTTP status of the response (0 until the response starts). */
  status: number
}

export interface GitServerOptions {
  /** Status for a valid token whose paths do not cover the repository (default 401). */
  denyStatus?: 401 | 404
  /** Basic realm in WWW-Authenticate (default 'test'). */
  realm?: string
  /** Parent directory for the server's temporary directory (default $TMPDIR). */
  tmpDir?: string
  /** Tokens to add at start. */
  tokens?: TokenSpec[]
  /** Repositories to create at start (see createRepo). */
  repos?: string[]
  /** Copy git http-backend's stderr to this process's stderr. */
  debug?: boolean
}

export interface CreateRepoOptions {
  /** Files of the initial commit (default: one README.md). Nested paths allowed. */
  files?: Record<string, string>
  /** Branch of the initial commit, also HEAD (default 'main'). */
  branch?: string
}

export interface CreatedRepo {
  /** Repository path without '.git', e.g. 'group/a'. */
  path: string
  /** Absolute path of the bare repository on disk. */
  dir: string
  /** Object id of the initial commit. */
  commit: string
}

export interface GitServer {
  readonly port: number
  /** GIT_PROJECT_ROOT: where the bare repositories live. */
  readonly projectRoot: string
  /** Every request in arrival order; clear with `requests.length = 0`. */
  readonly requests: RequestRecord[]
  /** Status for tokens whose paths do not cover the repository; may be changed at any time. */
  denyStatus: 401 | 404
  /** `http://[user[:password]@]HOST:PORT/repoPath.git` (HOST defaults to 127.0.0.1). */
  url(repoPath: string, opts?: { username?: string; password?: string; host?: 'localhost' | '127.0.0.1' }): string
  /** Create a bare repository (e.g. 'group/a' or 'group/a.git') holding one commit. */
  createRepo(repoPath: string, opts?: CreateRepoOptions): Promise<CreatedRepo>
  addToken(spec: TokenSpec): void
  /** Returns whether the token was in the table. */
  removeToken(token: string): boolean
  /** Make every request to this repository 401, whatever the token. */
  denyRepo(repoPath: string): void
  /** Undo denyRepo. */
  allowRepo(repoPath: string): void
  /** Distinct tokens (Basic passwords) seen so far, in first-seen order; optionally only for one repository, from request number `from`. */
  tokensSeen(repoPath?: string, from?: number): string[]
  /** Object id a ref resolves to in a hosted bare repository, or null. */
  revParse(repoPath: string, rev?: string): Promise<string | null>
  close(): Promise<void>
}

/** 'group/a.git/', '/group/a' → 'group/a'. */
export function normalizeRepoPath(p: string): string {
  return p
    .replace(/^\/+/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
}

/** Does a token path prefix ('' | 'group/' | 'group/*' | 'group/a') cover a repository path? */
export function pathCovers(prefix: string, repo: string): boolean {
  const p = normalizeRepoPath(prefix.replace(/\/\*$/, '/'))
  return p === '' || repo === p || repo.startsWith(p + '/')
}

// The request targets git's HTTP transports use, after the repository path
// (git-http-backend.adoc, "URL TRANSLATION"; the dumb protocol's files too).
const SUFFIX = /^\/(.+?)(\/(?:info\/refs|git-upload-pack|git-receive-pack|HEAD|objects\/.+|info\/[^/]+))$/

interface Target {
  repo: string
  /** PATH_INFO for http-backend: always '/<repo>.git<suffix>'. */
  pathInfo: string
  service: Service | null
}

/** Split a request path into repository and transport suffix; null if it names no repository or is unsafe. */
function parseTarget(pathname: string, query: URLSearchParams): Target | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return null
  }
  const m = SUFFIX.exec(decoded)
  if (!m) return null
  const repo = normalizeRepoPath(m[1]!)
  const segments = repo.split('/')
  if (segments.some(s => s === '' || s === '.' || s === '..' || /[\\\0]/.test(s))) return null
  const suffix = m[2]!
  let service: Service | null = null
  if (suffix === '/git-upload-pack' || suffix === '/git-receive-pack') service = suffix.slice(1) as Service
  else if (suffix === '/info/refs') {
    const s = query.get('service')
    if (s === 'git-upload-pack' || s === 'git-receive-pack') service = s
  }
  return { repo, pathInfo: `/${repo}.git${suffix}`, service }
}

function parseBasic(header: string | undefined): { username: string; password: string } | null {
  const m = /^Basic\s+(\S+)\s*$/i.exec(header ?? '')
  if (!m) return null
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8')
  const i = decoded.indexOf(':')
  if (i < 0) return null
  return { username: decoded.slice(0, i), password: decoded.slice(i + 1) }
}

/** Run git to completion in cwd, returning trimmed stdout; throws with stderr on failure. */
function runGit(args: string[], cwd: string, env: NodeJS.ProcessEnv, input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.setEncoding('utf8').on('data', d => (out += d))
    child.stderr.setEncoding('utf8').on('data', d => (err += d))
    child.on('error', reject)
    child.on('close', code => (code === 0 ? resolve(out.trim()) : reject(new Error(`git ${args.join(' ')} failed (${code}): ${err.trim()}`))))
    child.stdin.on('error', () => {})
    child.stdin.end(input ?? '')
  })
}

export async function startGitServer(opts: GitServerOptions = {}): Promise<GitServer> {
  const realm = opts.realm ?? 'test'
  const tmp = mkdtempSync(join(opts.tmpDir ?? process.env.TMPDIR ?? tmpdir(), 'gcp-git-server-'))
  const projectRoot = join(tmp, 'repos')
  const home = join(tmp, 'home')

  // git for the server side ignores the user's and the system's config.
  const gitEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    LANG: 'C',
  }

  const tokens = new Map<string, TokenSpec>()
  const denied = new Set<string>()
  const requests: RequestRecord[] = []
  const children = new Set<ChildProcess>()

  function reply(res: ServerResponse, rec: RequestRecord, status: number, headers: Record<string, string> = {}) {
    rec.status = status
    res.writeHead(status, { 'Content-Type': 'text/plain', ...headers })
    res.end(`${status} ${http.STATUS_CODES[status] ?? ''}\n`)
  }
  const unauthorized = (res: ServerResponse, rec: RequestRecord) => reply(res, rec, 401, { 'WWW-Authenticate': `Basic realm="${realm}"` })

  function handle(req: IncomingMessage, res: ServerResponse) {
    const u = new URL(req.url ?? '/', 'http://placeholder')
    const target = parseTarget(u.pathname, u.searchParams)
    const creds = parseBasic(req.headers.authorization)
    const rec: RequestRecord = {
      method: req.method ?? 'GET',
      host: (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1'),
      url: req.url ?? '/',
      path: target?.repo ?? null,
      service: target?.service ?? null,
      username: creds?.username ?? null,
      token: creds?.password ?? null,
      status: 0,
    }
    requests.push(rec)
    // Drain any body we will not pass on, so the client sees our reply.
    const refuse = (fn: () => void) => {
      req.resume()
      fn()
    }

    if (!creds) return refuse(() => unauthorized(res, rec))
    const entry = tokens.get(creds.password)
    if (!entry || (entry.username !== undefined && entry.username !== creds.username)) return refuse(() => unauthorized(res, rec))
    if (!target) return refuse(() => reply(res, rec, 404))
    if (denied.has(target.repo)) return refuse(() => unauthorized(res, rec))
    if (!entry.paths.some(p => pathCovers(p, target.repo))) {
      return refuse(() => (server.denyStatus === 404 ? reply(res, rec, 404) : unauthorized(res, rec)))
    }
    if (target.service === 'git-receive-pack' && entry.access !== 'read-write') return refuse(() => reply(res, rec, 403))

    cgi(req, res, rec, target, creds.username)
  }

  /** Run git http-backend as a CGI program for one request (RFC 3875 variables). */
  function cgi(req: IncomingMessage, res: ServerResponse, rec: RequestRecord, target: Target, user: string) {
    const u = new URL(req.url ?? '/', 'http://placeholder')
    const env: NodeJS.ProcessEnv = {
      ...gitEnv,
      GIT_PROJECT_ROOT: projectRoot,
      // Serve every repository without a git-daemon-export-ok file.
      GIT_HTTP_EXPORT_ALL: '1',
      // http.receivepack defaults to on only with REMOTE_USER; force it on.
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.receivepack',
      GIT_CONFIG_VALUE_0: 'true',
      GATEWAY_INTERFACE: 'CGI/1.1',
      SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: target.pathInfo,
      QUERY_STRING: u.search.replace(/^\?/, ''),
      REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    }
    if (user) env.REMOTE_USER = user
    if (req.headers['content-type']) env.CONTENT_TYPE = req.headers['content-type']
    // Without CONTENT_LENGTH (chunked request) http-backend reads to EOF.
    if (req.headers['content-length']) env.CONTENT_LENGTH = req.headers['content-length']
    // http-backend inflates gzip bodies itself when told the encoding.
    if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = req.headers['content-encoding']
    // Protocol v2 is negotiated through the Git-Protocol header, which
    // http-backend reads from GIT_PROTOCOL (see its Apache example).
    const gitProtocol = req.headers['git-protocol']
    if (typeof gitProtocol === 'string') env.GIT_PROTOCOL = gitProtocol

    const child = spawn('git', ['http-backend'], { cwd: tmp, env, stdio: ['pipe', 'pipe', 'pipe'] })
    children.add(child)
    child.on('close', () => children.delete(child))
    child.on('error', err => {
      if (!res.headersSent) reply(res, rec, 502)
      else res.destroy(err)
    })
    child.stdin.on('error', () => {}) // backend may exit before reading the whole body
    req.pipe(child.stdin)
    res.on('close', () => {
      if (child.exitCode === null && child.signalCode === null) child.kill()
    })

    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', d => {
      if (opts.debug) process.stderr.write(d)
      if (stderr.length < 4096) stderr += d
    })

    // CGI response: header lines, a blank line, then the body (RFC 3875 §6).
    let head: Buffer | null = Buffer.alloc(0)
    child.stdout.on('data', (chunk: Buffer) => {
      if (head === null) return void res.write(chunk)
      head = Buffer.concat([head, chunk])
      const crlf = head.indexOf('\r\n\r\n')
      const lf = head.indexOf('\n\n')
      const end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf + 4 : lf >= 0 ? lf + 2 : -1
      if (end < 0) return
      let status = 200
      const headers: [string, string][] = []
      for (const line of head.subarray(0, end).toString('latin1').split(/\r?\n/)) {
        const i = line.indexOf(':')
        if (i <= 0) continue
        const name = line.slice(0, i).trim()
        const value = line.slice(i + 1).trim()
        if (name.toLowerCase() === 'status') status = parseInt(value, 10) || 500
        else headers.push([name, value])
      }
      rec.status = status
      res.statusCode = status
      for (const [name, value] of headers) res.appendHeader(name, value)
      const body = head.subarray(end)
      head = null
      if (body.length) res.write(body)
    })
    child.stdout.on('end', () => {
      if (head !== null) {
        // The backend exited without a complete header block.
        if (!opts.debug && stderr) process.stderr.write(`git http-backend: ${stderr}`)
        if (!res.headersSent) reply(res, rec, 502)
        else res.end()
      } else res.end()
    })
  }

  const listeners: http.Server[] = [http.createServer(handle)]
  await new Promise<void>((resolve, reject) => {
    listeners[0]!.once('error', reject)
    listeners[0]!.listen(0, '127.0.0.1', () => resolve())
  })
  const port = (listeners[0]!.address() as AddressInfo).port
  // 'localhost' may resolve to ::1 first; listen there too when IPv6 is
  // available (curl falls back to 127.0.0.1 otherwise).
  const v6 = http.createServer(handle)
  const v6ok = await new Promise<boolean>(resolve => {
    v6.once('error', () => resolve(false))
    v6.listen(port, '::1', () => resolve(true))
  })
  if (v6ok) listeners.push(v6)

  let closed = false
  let indexCount = 0
  const server: GitServer = {
    port,
    projectRoot,
    requests,
    denyStatus: opts.denyStatus ?? 401,

    url(repoPath, o = {}) {
      let auth = ''
      if (o.username !== undefined) {
        auth = encodeURIComponent(o.username)
        if (o.password !== undefined) auth += ':' + encodeURIComponent(o.password)
        auth += '@'
      } else if (o.password !== undefined) auth = ':' + encodeURIComponent(o.password) + '@'
      return `http://${auth}${o.host ?? '127.0.0.1'}:${port}/${normalizeRepoPath(repoPath)}.git`
    },

    async createRepo(repoPath, o = {}) {
      const path = normalizeRepoPath(repoPath)
      if (!path || path.split('/').some(s => s === '' || s === '.' || s === '..')) {
        throw new Error(`bad repository path: ${repoPath}`)
      }
      const dir = join(projectRoot, `${path}.git`)
      const branch = o.branch ?? 'main'
      const files = o.files ?? { 'README.md': `# ${path}\n` }
      await runGit(['init', '--quiet', '--bare', `--initial-branch=${branch}`, dir], tmp, gitEnv)
      // Build the initial commit with plumbing in a throwaway index.
      const env = {
        ...gitEnv,
        GIT_DIR: dir,
        GIT_INDEX_FILE: join(tmp, `index-${++indexCount}`),
        GIT_AUTHOR_NAME: 'git-server',
        GIT_AUTHOR_EMAIL: 'git-server@example.invalid',
        GIT_COMMITTER_NAME: 'git-server',
        GIT_COMMITTER_EMAIL: 'git-server@example.invalid',
      }
      for (const [name, content] of Object.entries(files)) {
        const blob = await runGit(['hash-object', '-w', '--stdin'], tmp, env, content)
        await runGit(['update-index', '--add', '--cacheinfo', `100644,${blob},${name}`], tmp, env)
      }
      const tree = await runGit(['write-tree'], tmp, env)
      rmSync(env.GIT_INDEX_FILE, { force: true })
      const commit = await runGit(['commit-tree', tree, '-m', `initial commit of ${path}`], tmp, env)
      await runGit(['update-ref', `refs/heads/${branch}`, commit], tmp, env)
      return { path, dir, commit }
    },

    addToken(spec) {
      tokens.set(spec.token, { ...spec, paths: [...spec.paths] })
    },
    removeToken: token => tokens.delete(token),
    denyRepo: repoPath => void denied.add(normalizeRepoPath(repoPath)),
    allowRepo: repoPath => void denied.delete(normalizeRepoPath(repoPath)),

    tokensSeen(repoPath, from = 0) {
      const only = repoPath === undefined ? null : normalizeRepoPath(repoPath)
      const seen: string[] = []
      for (const r of requests.slice(from)) {
        if (r.token && (only === null || r.path === only) && !seen.includes(r.token)) seen.push(r.token)
      }
      return seen
    },

    async revParse(repoPath, rev = 'main') {
      const dir = join(projectRoot, `${normalizeRepoPath(repoPath)}.git`)
      try {
        return await runGit(['--git-dir', dir, 'rev-parse', '--verify', '--quiet', `${rev}^{commit}`], tmp, gitEnv)
      } catch {
        return null
      }
    },

    async close() {
      if (closed) return
      closed = true
      for (const child of children) child.kill()
      await Promise.all(
        listeners.map(
          l =>
            new Promise<void>(resolve => {
              l.close(() => resolve())
              l.closeAllConnections()
            }),
        ),
      )
      rmSync(tmp, { recursive: true, force: true })
    },
  }

  for (const spec of opts.tokens ?? []) server.addToken(spec)
  for (const repo of opts.repos ?? []) await server.createRepo(repo)
  return server
}
