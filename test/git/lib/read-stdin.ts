// Run by test/git/input.ts in a process of its own (its stdin is the test's
// pipe): what readStdin returned, as JSON on stdout.
import { readStdin } from '../../../src/git/input.js'

process.stdout.write(JSON.stringify({ text: readStdin().toString('latin1') }))
