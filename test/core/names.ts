import t from 'tap'
import { uniqueName } from '../../src/core/names.js'

t.test('uniqueName: the base when free, else the first free -N', async t => {
  t.equal(uniqueName([], 'gitlab.com-vm'), 'gitlab.com-vm')
  t.equal(uniqueName(['gitlab.com-vm'], 'gitlab.com-vm'), 'gitlab.com-vm-2')
  t.equal(uniqueName(['gitlab.com-vm', 'gitlab.com-vm-2', 'gitlab.com-vm-4'], 'gitlab.com-vm'), 'gitlab.com-vm-3')
  t.equal(uniqueName(['other'], 'gitlab.com-vm'), 'gitlab.com-vm')
})
