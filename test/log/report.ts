// report(): one line per error; the stack of an internal error only where
// main.ts said so (GIT_CREDENTIAL_PAT_TRACE=1, read once at start), never
// because of what process.env holds later.
import t from 'tap'
import { report, traceStacks } from '../../src/log/report.js'
import { errSink } from '../../src/log/stderr.js'
import { PatError } from '../../src/errors.js'

function captured(run: () => number): { code: number; text: string } {
  const out: string[] = []
  const orig = errSink.write
  errSink.write = text => void out.push(text)
  try {
    return { code: run(), text: out.join('') }
  } finally {
    errSink.write = orig
  }
}

t.test('an internal error is one line; its stack only with traceStacks(true)', async t => {
  t.teardown(() => traceStacks(false))
  process.env.GIT_CREDENTIAL_PAT_TRACE = '1'
  t.teardown(() => void delete process.env.GIT_CREDENTIAL_PAT_TRACE)
  const plain = captured(() => report(new Error('boom')))
  t.equal(plain.code, 1)
  t.equal(plain.text, 'git-credential-pat: internal error: boom\n', 'the environment alone does not turn it on')
  traceStacks(true)
  const traced = captured(() => report(new Error('boom')))
  t.match(traced.text, /^git-credential-pat: internal error: boom\nError: boom\n\s+at /)
  t.equal(captured(() => report(new PatError('USAGE', 'bad'))).text, 'git-credential-pat: bad\n', 'a PatError never has a stack')
})
