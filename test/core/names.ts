import t from 'tap'
import { uniqueName } from '../../src/core/names.js'

t.test('uniqueName: the base when free, else the first free -N', async t => {
  t.equal(uniqueName([], 'gitlab.com-vm'), 'gitlab.com-vm')
  t.equal(uniqueName(['gitlab.com-vm'], 'gitlab.com-vm'), 'gitlab.com-vm-2')
  t.equal(uniqueName(['gitlab.com-vm', 'gitlab.com-vm-2', 'gitlab.com-vm-4'], 'gitlab.com-vm'), 'gitlab.com-vm-3')
  t.equal(uniqueName(['other'], 'gitlab.com-vm'), 'gitlab.com-vm')
})

t.test('uniqueName: no part of a name is a token (a URL user or path that held one)', async t => {
  const gh = 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'
  t.equal(uniqueName([], `github.com-${gh}`), 'github.com-token')
  t.equal(uniqueName(['github.com-token'], `github.com-${gh}`), 'github.com-token-2')
  t.equal(uniqueName([], 'gitlab.com-team-glpat-Xy12ab34Cd56ef78Gh90'), 'gitlab.com-team-glpat-token')
  t.equal(uniqueName([], '127.0.0.1-8080-g-r-x-access-token'), '127.0.0.1-8080-g-r-x-access-token', 'ordinary names unchanged')
  t.equal(uniqueName([], 'ci-runner-7'), 'ci-runner-7')
})
