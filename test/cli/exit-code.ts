// Handlers return their exit code (src/cli/exit-code.ts): yargs drops it,
// the slot in the parse context carries it back, nested commands included.
import t from 'tap'
import yargs from 'yargs'
import { ctxOf, parseAndRun, withExitCode } from '../../src/cli/exit-code.js'
import { testContext } from '../lib/context.js'

const parser = (argv: string[]) =>
  yargs(argv)
    .strict()
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new Error(msg)
    })
    .command({ command: 'three', handler: withExitCode(() => 3) })
    .command({ command: 'nothing', handler: withExitCode(async () => {}) })
    .command({ command: 'plain', handler: () => {} })
    .command({
      command: 'outer',
      builder: y => y.command({ command: 'inner', builder: i => i.option('json', { type: 'boolean' }), handler: withExitCode(async () => 4) }).demandCommand(1),
      handler: () => {},
    })

t.test('the handler’s code comes back from parseAndRun', async t => {
  for (const [argv, code] of [
    [['three'], 3],
    [['nothing'], 0],
    [['plain'], 0],
    [['outer', 'inner', '--json'], 4],
  ] as const) {
    t.equal(await parseAndRun(parser([...argv]), [...argv], testContext()), code, argv.join(' '))
  }
})

t.test('each run has its own slot', async t => {
  t.equal(await parseAndRun(parser(['three']), ['three'], testContext()), 3)
  t.equal(await parseAndRun(parser(['nothing']), ['nothing'], testContext()), 0, 'the last run’s code does not leak')
})

t.test('the slot is not a flag', async t => {
  await t.rejects(parseAndRun(parser(['three', '--exit-code', '1']), ['three', '--exit-code', '1'], testContext()), /Unknown argument/)
})

t.test('every handler gets the context of its run, nested ones too', async t => {
  const seen: unknown[] = []
  const ctx = testContext({ env: { MARK: 'one' } })
  const p = (argv: string[]) =>
    yargs(argv)
      .exitProcess(false)
      .command({ command: 'coded', handler: withExitCode((_args, c) => void seen.push(c)) })
      .command({ command: 'plain', handler: args => void seen.push(ctxOf(args)) })
      .command({ command: 'outer', builder: y => y.command({ command: 'inner', handler: args => void seen.push(ctxOf(args)) }), handler: () => {} })
  for (const argv of [['coded'], ['plain'], ['outer', 'inner']]) await parseAndRun(p(argv), argv, ctx)
  t.equal(seen.length, 3)
  for (const c of seen) t.equal(c, ctx)
  t.throws(() => ctxOf({}), /outside parseAndRun/, 'no run, no context')
})
