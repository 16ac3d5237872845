// Run by test/git/helper.ts in a process of its own, as git runs the
// helper: `run-helper.ts OP…`, one request per operation, the first read
// from stdin, the others given as JSON (argv[2] of the pair list); git's
// answers on stdout (fd 1) and notes on stderr, each request's followed by
// a NUL, and the exit codes, as JSON, last on stdout.
import { runHelper } from '../../../src/git/helper.js'
import type { Operation } from '../../../src/git/input.js'
import { writeAll } from '../../../src/log/stderr.js'
import { processContext } from '../../../src/state/context.js'

const [first, ...rest] = JSON.parse(process.argv[2]) as Array<[Operation, string | null]>
const codes: number[] = []
for (const [op, input] of [first, ...rest]) {
  codes.push(await runHelper(op, processContext(), input === null ? undefined : Buffer.from(input)))
  writeAll(1, '\0')
  writeAll(2, '\0')
}
writeAll(1, JSON.stringify(codes))
