// What get says about a token it will not send: each reason with its fix.
import t from 'tap'
import { skippedNote } from '../../src/core/skipped.js'
import { parseScope } from '../../src/core/scope.js'
import type { Candidate } from '../../src/core/select.js'
import { tokenRecord } from '../lib/token.js'

const cand = (unusable: Candidate['unusable'], extra = {}): Candidate => {
  const token = tokenRecord({ name: 'gl', scope: 'gitlab.com/g/*', ...extra })
  return { token, scope: parseScope(token.scope), rank: 1, unusable }
}

t.test('expired, rejected and disabled tokens are named with the command that fixes them', async t => {
  t.equal(
    skippedNote(cand('expired', { expires: '2026-01-01T00:00:00.000Z' })),
    "token 'gl' (gitlab.com/g/*) expired on 2026-01-01; not sending it. Rotate it: git-credential-pat rotate gl",
  )
  t.equal(
    skippedNote(cand('rejected', { state: 'rejected', rejected: { at: '2026-02-03T04:00:00.000Z', url: 'https://gitlab.com/g/r' } })),
    "token 'gl' (gitlab.com/g/*) was rejected by the server on 2026-02-03 (https://gitlab.com/g/r); not sending it. Rotate it: git-credential-pat rotate gl (or, if it still works: git-credential-pat enable gl)",
  )
  t.match(skippedNote(cand('rejected', { state: 'rejected' })), "token 'gl' (gitlab.com/g/*) was rejected by the server; not sending it")
  t.equal(
    skippedNote(cand('disabled', { state: 'disabled' })),
    "token 'gl' (gitlab.com/g/*) is disabled; not sending it. Turn it back on: git-credential-pat enable gl",
  )
})
