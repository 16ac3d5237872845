// Shared by the prompt tests: a fixed clock, credentials from text, and a
// scripted terminal or askpass, tokens and candidates.
import { parseCredential, type Credential } from '../../../src/core/protocol.js'
import type { Io } from '../../../src/prompt/channel.js'
import { parseScope } from '../../../src/core/scope.js'
import type { Candidate } from '../../../src/core/select.js'
import type { TokenRecord } from '../../../src/state/tokens.js'
import { tokenRecord } from '../../lib/token.js'

export const NOW = new Date('2026-06-15T12:00:00Z')

export const cred = (text: string): Credential => parseCredential(text + '\n\n')

/** A scripted terminal: answers in order, records what was asked and shown. */
export function fakeIo(answers: Array<string | Error>, kind: 'tty' | 'askpass' = 'tty') {
  const asked: Array<{ q: string; hidden: boolean }> = []
  const shown: string[] = []
  let closed = false
  const io: Io = {
    kind,
    info: text => void shown.push(text),
    ask: async (q, hidden) => {
      asked.push({ q, hidden })
      const a = answers.shift()
      if (a === undefined) throw new Error(`unexpected question: ${q}`)
      if (a instanceof Error) throw a
      return a
    },
    close: () => void (closed = true),
  }
  if (kind === 'askpass') {
    io.probe = async q => {
      asked.push({ q, hidden: false })
      const a = answers.shift()
      return a instanceof Error ? undefined : a
    }
  }
  return { io, asked, shown, isClosed: () => closed }
}

export const tok = (name: string, scope: string, extra: Partial<TokenRecord> = {}): TokenRecord => tokenRecord({ name, scope, ...extra })
export const cand = (token: TokenRecord, unusable?: Candidate['unusable']): Candidate => ({ token, scope: parseScope(token.scope), rank: 0, unusable })
