// Where ssh's destination is among the arguments `forward ssh` passes on
// (src/cli/commands/forward-ssh.ts): the remote home is asked with the
// options before it, and the user's command is left where it was.
import t from 'tap'
import { splitSshArgs } from '../../../src/cli/commands/forward-ssh.js'

t.test('options, destination, command', async t => {
  t.same(splitSshArgs(['devbox']), { options: [], dest: 'devbox', command: [] })
  t.same(splitSshArgs(['-p', '2222', '-i', 'k', 'me@devbox', 'ls', '-l']), { options: ['-p', '2222', '-i', 'k'], dest: 'me@devbox', command: ['ls', '-l'] })
  t.same(splitSshArgs(['-p2222', '-tA', 'devbox']), { options: ['-p2222', '-tA'], dest: 'devbox', command: [] }, 'a value glued on, flags bundled')
  t.same(splitSshArgs(['-vvp', '22', 'h']), { options: ['-vvp', '22'], dest: 'h', command: [] }, 'a value after bundled flags')
  t.same(splitSshArgs(['-o', 'BatchMode=yes', '--', 'h', 'cmd']), { options: ['-o', 'BatchMode=yes', '--'], dest: 'h', command: ['cmd'] })
  t.equal(splitSshArgs(['-p', '22']), null, 'no destination')
  t.equal(splitSshArgs([]), null)
})
