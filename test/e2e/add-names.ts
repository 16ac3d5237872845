// Names that do not clash: two `add`s on one host with the
// default name both succeed, with distinct names that follow the scope, and
// each get answers with its own secret.
import t from 'tap'
import { hostname } from 'node:os'
import { box, get, listJson, ok } from './lib/cli.js'

const MACHINE = hostname().split('.')[0]

t.test('two adds on one host with default names', async t => {
  const sb = box('add-names')
  const group = await ok(sb, ['add', 'gitlab.com/team/*', '--token-stdin'], 'group-secret-1')
  const host = await ok(sb, ['add', 'gitlab.com', '--token-stdin'], 'host-secret-2')
  const again = await ok(sb, ['add', 'gitlab.com', '--token-stdin'], 'host-secret-3')
  t.match(group.stdout, `added token 'gitlab.com-team-${MACHINE}' for gitlab.com/team/*`)
  t.match(host.stdout, `added token 'gitlab.com-${MACHINE}' for gitlab.com`)
  t.match(again.stdout, `added token 'gitlab.com-${MACHINE}-2' for gitlab.com`, 'the same scope again: a suffix, nothing replaced')
  const names = (await listJson(sb)).map(x => `${x.name} ${x.scope}`).sort()
  t.same(names, [`gitlab.com-${MACHINE} gitlab.com`, `gitlab.com-${MACHINE}-2 gitlab.com`, `gitlab.com-team-${MACHINE} gitlab.com/team/*`].sort())
  t.equal((await get(sb, 'https://gitlab.com/team/app')).password, 'group-secret-1', 'the group token is untouched')
  // --force with the default name replaces only a token of the same scope.
  await ok(sb, ['add', 'gitlab.com', '--token-stdin', '--force'], 'host-secret-4')
  t.equal((await listJson(sb)).length, 3)
  t.equal((await get(sb, 'https://gitlab.com/team/app')).password, 'group-secret-1')
})
