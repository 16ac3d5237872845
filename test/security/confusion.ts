// Host/port/protocol/path/username confusion, through real git
// (docs/git-credential-pat.md, "Scopes"): a token goes only where its scope says — hosts exact (case
// aside), ports exact (443/80 = none), https unless the scope says http://,
// paths segment by segment with one trailing .git ignored, `..` and
// percent-encoding normalised or refused, a URL's user pins the token.
//
// Server groups: `git ls-remote` against the loopback smart-HTTP server,
// asserting which token the SERVER saw. Fill groups: `git credential fill`
// for hosts the loopback server cannot be. Each case is one assertion.
// Groups run three at a time; the cases of a group one after another.
import t, { type Test } from 'tap'
import { fillGroups } from './lib/confusion-fill-cases.js'
import { serverGroups } from './lib/confusion-server-cases.js'
import { accepted, pool, runFillGroup, runServerGroup, url, type GroupResult, type Outcome } from './lib/confusion-run.js'

// About 200 git runs and 40 adds: well under two minutes on an idle
// machine; the bound is for a loaded one (each git call has its own 60 s).
t.setTimeout(8 * 60_000)

const jobs = [...serverGroups.map(g => () => runServerGroup(g)), ...fillGroups.map(g => () => runFillGroup(g))]
const results: GroupResult[] = await pool(jobs, 3, job => job())

const show = (keys: string[]) => (keys.length ? keys.join(', ') : 'nothing')

function check(t: Test, r: GroupResult, o: Outcome) {
  const c = o.case
  const wanted = [c.expect, ...(c.alsoOk ?? [])].map(e => e ?? 'nothing').join(' or ')
  const extra = {
    found: `${show(o.got)} ${r.kind === 'server' ? 'sent (server record)' : 'returned by git credential fill'}`,
    wanted,
    gitExit: o.code,
    gitStderr: o.stderr.trim().split('\n').slice(-3).join('\n'),
  }
  t.ok(accepted(o), `${c.name} [expect ${wanted}]`, extra)
  if (r.kind === 'server' && 'user' in c && c.user !== undefined && o.got.length > 0) {
    t.same(o.users, [c.user], `${c.name}: the server saw username ${c.user}`)
  }
}

let server = 0
let fill = 0
for (const r of results) {
  t.test(r.name, async t => {
    if (r.error) t.fail(`set-up failed: ${r.error}`)
    for (const o of r.outcomes) check(t, r, o)
  })
  if (r.kind === 'server') server += r.outcomes.length
  else fill += r.outcomes.length
}
t.comment(`confusion cases: ${server} through the loopback server, ${fill} through git credential fill, ${server + fill} in all`)
t.ok(server + fill >= 100, `at least 100 confusion cases ran (${server + fill})`)

// The harness must be able to fail: a case that wrongly says no token may go
// where one does is caught by the server's token log and by git credential fill.
t.test('the harness catches a token sent where a case says none may go (planted)', async t => {
  const server = await runServerGroup({
    name: 'planted',
    repos: ['p/r'],
    tokens: port => [{ key: 'tok', scope: `http://127.0.0.1:${port}/p/*`, username: 'u' }],
    cases: port => [{ name: 'planted: sent, but the case says nothing', url: `http://127.0.0.1:${port}/p/r.git`, expect: null }],
  })
  t.equal(server.error, undefined, 'set up')
  t.same(server.outcomes[0]?.got, ['tok'], "the server's token log records the send")
  t.equal(accepted(server.outcomes[0]!), false, 'and the case fails')
  const fill = await runFillGroup({
    name: 'planted-fill',
    tokens: [{ key: 'tok', scope: 'planted.example', username: 'u' }],
    cases: [{ name: 'planted: returned, but the case says nothing', input: url('https://planted.example/r.git'), expect: null }],
  })
  t.equal(fill.error, undefined, 'set up')
  t.same(fill.outcomes[0]?.got, ['tok'], 'git credential fill returns it')
  t.equal(accepted(fill.outcomes[0]!), false, 'and the case fails')
})
