// The one request that changes something at the forge: a POST with a
// deadline for the whole exchange, like http.ts's GET (no redirects, the
// body bounded), that also says whether the request had left this machine
// when it failed. A rotation whose request went out may have happened (the
// forge revokes the old token before it answers), so that case must never be
// retried with the old token; one refused before sending changed nothing.
import { collect, deadline, endpoint, type HttpAnswer } from './http.js'

export class PostFailure extends Error {
  constructor(
    override readonly cause: unknown,
    /** The whole request was handed to the network: the forge may have acted on it. */
    readonly sent: boolean,
  ) {
    super((cause as Error)?.message ?? String(cause))
  }
}

const BEFORE_SENDING = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ERR_INVALID_URL|.*CERT.*|.*SELF_SIGNED.*|UNABLE_TO_VERIFY.*)$/

/** POST a form body; rejects with a PostFailure. */
export async function httpPost(url: URL, headers: Record<string, string>, form: Record<string, string>, timeoutMs: number): Promise<HttpAnswer> {
  const { target, mod } = await endpoint(url)
  const body = new URLSearchParams(form).toString()
  return new Promise((resolve, reject) => {
    let sent = false
    // Errors that come before a connection exists mean nothing was sent,
    // whatever the runtime reports about the write; any other may have.
    const fail = (e: unknown) => reject(new PostFailure(e, sent || !BEFORE_SENDING.test((e as NodeJS.ErrnoException)?.code ?? '')))
    const req = mod.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(Buffer.byteLength(body)) },
      },
      res => {
        collect(req, res, resolve, fail)
        // A body cut short ends in 'aborted'/'close' without 'end'.
        res.on('close', () => {
          if (!res.complete) fail(Object.assign(new Error('the answer was cut off'), { code: 'ECONNRESET' }))
        })
      },
    )
    // 'finish': the whole request is written to the socket.
    req.on('finish', () => (sent = true))
    deadline(req, timeoutMs)
    req.on('error', fail)
    req.end(body)
  })
}
