// The one request a forge gets: a GET with a deadline for the whole
// exchange. Redirects are never followed (the token would go with them) and
// the body is bounded.
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage } from 'node:http'
import { CHECK_TIMEOUT_SETTING } from './timeouts.js'

export interface HttpAnswer {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

/** GET with a deadline for the whole exchange; no redirects, at most 1 MiB of body. */
export async function httpGet(url: URL, headers: Record<string, string>, timeoutMs: number): Promise<HttpAnswer> {
  const { target, mod } = await endpoint(url)
  return new Promise((resolve, reject) => {
    const req = mod.request(target, { method: 'GET', headers }, res => collect(req, res, resolve, reject))
    deadline(req, timeoutMs)
    req.on('error', reject)
    req.end()
  })
}

/** The URL without user or password (a token goes in a header only) and the module for its scheme. */
export async function endpoint(url: URL): Promise<{ target: URL; mod: Pick<typeof import('node:http'), 'request'> }> {
  const target = new URL(url.href)
  target.username = ''
  target.password = ''
  return { target, mod: target.protocol === 'http:' ? await import('node:http') : await import('node:https') }
}

/** Collect an answer's body, at most 1 MiB (a larger one destroys the request with ETOOBIG). */
export function collect(req: ClientRequest, res: IncomingMessage, done: (a: HttpAnswer) => void, fail: (e: unknown) => void): void {
  const chunks: Buffer[] = []
  let size = 0
  res.on('data', (c: Buffer) => {
    size += c.length
    if (size > 1 << 20) req.destroy(Object.assign(new Error('the answer is over 1 MiB'), { code: 'ETOOBIG' }))
    else chunks.push(c)
  })
  res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
  res.on('error', fail)
}

/** One deadline for the whole exchange: past it the request is destroyed with ETIMEOUT. */
export function deadline(req: ClientRequest, timeoutMs: number): void {
  const timer = setTimeout(() => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEOUT' })), timeoutMs)
  timer.unref()
  req.on('close', () => clearTimeout(timer))
}

/** Why a request failed, in words (the `unreachable` verdict's message). */
export function networkReason(e: unknown, timeoutMs: number): string {
  const code = (e as NodeJS.ErrnoException)?.code ?? ''
  if (code === 'ETIMEOUT') return `no answer within ${timeoutMs / 1000} s (${CHECK_TIMEOUT_SETTING})`
  if (code === 'ECONNREFUSED') return 'connection refused'
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host name not found'
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'the connection was cut'
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'network unreachable'
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) return `TLS certificate not trusted (${code}); NODE_EXTRA_CA_CERTS can add a CA`
  if (code === 'ETOOBIG') return 'the answer is over 1 MiB'
  return code || ((e as Error)?.message ?? String(e)).split('\n')[0]
}
