// Entry point. git runs `git-credential-pat get|store|erase`; those take the
// lean path in helper.ts. Everything else is the management CLI (yargs),
// loaded only when asked for.
import { OPERATIONS, type Operation } from './helper.js'

async function main(argv: string[]): Promise<number> {
  const op = argv[0]
  if (argv.length === 1 && (OPERATIONS as readonly string[]).includes(op)) {
    return (await import('./helper.js')).runHelper(op as Operation)
  }
  // `daemon run` starts without yargs: a client may be waiting for it.
  if (argv.length === 2 && op === 'daemon' && argv[1] === 'run') {
    return (await import('./daemon/server.js')).runDaemon()
  }
  const { COMMAND_NAMES, runCli } = await import('./cli.js')
  // git-credential(1): helpers must ignore operations they do not know, so a
  // future git's new operation gets silence, not a usage error. A person at
  // a terminal still gets told about a typo.
  if (argv.length === 1 && /^[a-z][a-z-]*$/.test(op) && !COMMAND_NAMES.includes(op) && !process.stdin.isTTY) {
    return 0
  }
  return runCli(argv)
}

main(process.argv.slice(2)).then(
  code => {
    process.exitCode = code
  },
  err => {
    process.stderr.write(`git-credential-pat: internal error: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exitCode = 1
  },
)
