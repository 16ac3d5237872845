// add's name choice: the default name follows the scope and is
// made unique; an explicit name that exists is refused, and replacing is
// suggested only for a token of the same scope.
import t from 'tap'
import { pickName } from '../../../src/cli/commands/add.js'
import { tokenRecord } from '../../lib/token.js'

const tokens = [tokenRecord({ name: 'git.test-vm', scope: 'git.test' }), tokenRecord({ name: 'git.test-team-vm', scope: 'git.test/team/*' })]

t.test('the default name: free as it is, else -2, -3 …', async t => {
  t.equal(pickName(tokens, undefined, 'git.test-app-vm', 'git.test/app'), 'git.test-app-vm')
  t.equal(pickName(tokens, undefined, 'git.test-vm', 'git.test'), 'git.test-vm-2', 'same scope, no --force: a second token')
  t.equal(pickName([...tokens, tokenRecord({ name: 'git.test-vm-2' })], undefined, 'git.test-vm', 'git.test'), 'git.test-vm-3')
  t.equal(pickName(tokens, undefined, 'git.test-vm', 'git.test', true), 'git.test-vm', '--force replaces a token of the same scope')
  t.equal(pickName(tokens, undefined, 'git.test-vm', 'http://git.test', true), 'git.test-vm-2', '--force never replaces another scope by default name')
})

t.test('an explicit name', async t => {
  t.equal(pickName(tokens, 'mine', 'mine', 'git.test'), 'mine')
  t.throws(() => pickName(tokens, 'git.test-vm', 'git.test-vm', 'git.test'), {
    code: 'EXISTS',
    message: "a token named 'git.test-vm' exists for git.test; choose another --name, or --force to replace it",
  })
  t.throws(() => pickName(tokens, 'git.test-vm', 'git.test-vm', 'git.test/team/*'), {
    code: 'EXISTS',
    message: "a token named 'git.test-vm' exists for another scope, git.test; choose another --name, or leave --name out for a free one",
  })
  t.equal(pickName(tokens, 'git.test-vm', 'git.test-vm', 'git.test/x', true), 'git.test-vm', '--force with --name replaces, as documented')
})
