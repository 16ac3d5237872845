// `log -n`: a count that is not a whole number is a usage error (exit 2,
// one line), not silence with exit 0.
import t from 'tap'
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from '../../../src/cli/cli.js'
import { errSink } from '../../../src/log/stderr.js'
import { testContext } from '../../lib/context.js'

const home = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'gcp-log-'))
mkdirSync(join(home, 'log'))
writeFileSync(join(home, 'log', 'git-credential-pat.log'), '{"msg":"one"}\n{"msg":"two"}\n')
process.env.GIT_CREDENTIAL_PAT_HOME = home

function capture(t: { teardown(f: () => void): void }): string[] {
  const lines: string[] = []
  const write = errSink.write
  errSink.write = text => void lines.push(text)
  t.teardown(() => void (errSink.write = write))
  return lines
}

for (const bad of [
  ['-n', 'abc'],
  ['-n', '-1'],
  ['--lines', '1.5'],
]) {
  t.test(`log ${bad.join(' ')} is a usage error`, async t => {
    const lines = capture(t)
    t.equal(await runCli(['log', ...bad], testContext()), 2)
    t.equal(lines.length, 1, 'one line')
    t.match(lines[0], /^git-credential-pat: -n\/--lines takes a whole number of events \(0 or more\) \(see git-credential-pat --help\)\n$/)
  })
}

t.test('log -n without a count is a usage error', async t => {
  const lines = capture(t)
  t.equal(await runCli(['log', '-n'], testContext()), 2)
  t.equal(lines.length, 1, 'one line')
})

t.test('log -n 1 prints the last event', async t => {
  const out = await stdoutOf(() => runCli(['log', '-n', '1', '--json'], testContext()))
  t.equal(out.code, 0)
  t.same(out.text, '{"msg":"two"}\n')
})

/** What a run writes to stdout (tap's own output is stdout too: restored before any assertion). */
async function stdoutOf(f: () => Promise<number>): Promise<{ code: number; text: string }> {
  const out: string[] = []
  const write = process.stdout.write
  process.stdout.write = ((s: string) => (out.push(String(s)), true)) as never
  try {
    return { code: await f(), text: out.join('') }
  } finally {
    process.stdout.write = write
  }
}
