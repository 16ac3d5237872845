// Forge conventions: the default token name follows the scope,
// so two tokens of one host do not clash.
import t from 'tap'
import { defaultTokenName } from '../../src/core/providers.js'

t.test('defaultTokenName: host, then the scope path, then the machine', async t => {
  t.equal(defaultTokenName('gitlab.com', 'vm.example.org'), 'gitlab.com-vm', 'a host scope: as before')
  t.equal(defaultTokenName('gitlab.com', 'vm', ['team']), 'gitlab.com-team-vm', 'a group')
  t.equal(defaultTokenName('gitlab.com', 'vm', ['team', 'app']), 'gitlab.com-team-app-vm', 'a repository')
  t.equal(defaultTokenName('[::1]', 'vm'), '1-vm', 'brackets and colons go')
  t.equal(defaultTokenName('git.test', 'vm', ['my group', 'ü']), 'git.test-my_group-_-vm', 'only characters a name may hold')
  t.equal(defaultTokenName('git.test', '', ['g']), 'git.test-g', 'no machine name: no trailing dash')
  const long = defaultTokenName('git.test', 'vm', ['x'.repeat(300)])
  t.equal(long.length, 120, 'room for a -N suffix within 128')
  t.match(long, /^[A-Za-z0-9][A-Za-z0-9._@+-]*$/)
})
