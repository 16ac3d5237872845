// `disable --help`: the example names the command, never a literal `$0`.
import t from 'tap'
import { runCli } from '../../../src/cli/cli.js'
import { testContext } from '../../lib/context.js'

t.test('disable --help has no literal $0', async t => {
  // yargs prints help with console.log; tap reports on stdout, so restore before asserting.
  const out: string[] = []
  const log = console.log
  console.log = (...a: unknown[]) => void out.push(a.join(' '))
  let code: number
  try {
    code = await runCli(['disable', '--help'], testContext())
  } finally {
    console.log = log
  }
  t.equal(code, 0)
  const text = out.join('\n')
  t.match(text, /undo with: git-credential-pat enable ci-runner-7/)
  t.notMatch(text, /\$0/)
})
