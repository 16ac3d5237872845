// Words a new user reads in the first week, each said once and right: the
// usage hint, the rejection prompt's reasons (a real pseudo-terminal through
// tmux, real git against the loopback server), the days left of a token
// added with --expires 3d (list, show and git's own warning), and the
// README's examples quoting every `*` as it tells users to.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { root } from './lib/env.js'
import { box, ok } from './lib/cli.js'
import { startGitServer, type GitServer } from './lib/git-server.js'
import { haveTmux } from './lib/tmux.js'
import { promptKit } from './lib/prompt-kit.js'

const DAY = 86_400_000
const T = { revoked: 'glpat-words-revoked-0401', fresh: 'glpat-words-fresh-0402', soon: 'glpat-words-soon-0403' }

const srv: GitServer = await startGitServer({
  repos: ['group/a'],
  tokens: [
    { token: T.fresh, paths: [''], access: 'read-write' },
    { token: T.soon, paths: [''], access: 'read-write' },
  ],
})
t.teardown(() => srv.close())
const { origin, patSandbox, cloneInPty } = promptKit(srv)

t.test('a usage error points to --help once', async t => {
  const sb = box('words-usage')
  const bare = await sb.pat([])
  t.equal(bare.code, 2)
  t.equal(bare.stderr, 'git-credential-pat: name a command (see git-credential-pat --help)\n')
  for (const args of [[], ['add'], ['list', '--no-such-flag'], ['show']]) {
    const r = await sb.pat(args)
    t.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
    t.equal(r.stderr.trim().split('\n').length, 1, 'one line')
    t.ok((r.stderr.match(/--help/g) ?? []).length <= 1, `${args.join(' ') || '(none)'}: --help named at most once: ${r.stderr}`)
  }
})

t.test('--expires 3d shows "in 3 days" the day it is added: list, show and the warning git prints', async t => {
  const sb = await patSandbox(t, 'words-3d')
  sb.env.GIT_CREDENTIAL_PAT_DAEMON = 'never'
  await sb.addToken(origin, T.soon, ['--name', 'soon', '--expires', '3d'])
  const [rec] = await sb.tokens()
  // Calendar days from today (UTC) to the expiry date: 3 unless midnight passed since the add.
  const days = Math.round((Date.parse(rec.expires!) - Math.floor(Date.now() / DAY) * DAY) / DAY)
  t.equal(days, 3, 'the expiry date is three days from today')
  const list = await ok(sb, ['list'])
  t.match(list.stdout, `${rec.expires!.slice(0, 10)} (in ${days} days)`, list.stdout)
  const show = await ok(sb, ['show', 'soon'])
  t.match(show.stdout, `(in ${days} days)`, show.stdout)
  const r = await sb.git(['ls-remote', srv.url('group/a')])
  t.equal(r.code, 0, r.stderr)
  t.match(r.stderr, `token 'soon' (${origin}) expires in ${days} days, on ${rec.expires!.slice(0, 10)}`)
})

t.test('the rejection prompt states each reason once', { skip: haveTmux ? false : 'tmux is not installed' }, async t => {
  const sb = await patSandbox(t, 'words-rejected')
  await sb.addToken(`${origin}/group/*`, T.revoked, ['--name', 'grp'])
  const refused = await sb.git(['ls-remote', srv.url('group/a')])
  t.not(refused.code, 0, 'the server refused it')
  t.equal((await sb.tokens())[0].state, 'rejected')

  const r = await cloneInPty(sb, 'group/a', 'a', async p => {
    await p.waitFor('Token for')
    p.press('C-c')
  })
  t.not(r.code, 0)
  const said = r.screen.replace(/\s*\n\s*/g, ' ')
  t.equal(said.match(/token 'grp'[^;]* was rejected by the server/g)?.length, 1, r.screen)
  t.match(said, 'git-credential-pat rotate grp', 'with its fix')
  t.match(said, `no usable token for ${origin}/group/a.git (see above)`, 'the prompt points to it')
})

t.test("the README's examples quote every * they pass, as it tells users to", async t => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const blocks = [...readme.matchAll(/```(?:sh|bash|shell)?\n([\s\S]*?)```/g)].map(m => m[1])
  const commands = blocks.flatMap(b => b.split('\n')).filter(l => /(^|[|&;]\s*)git[ -]credential-pat /.test(l) && l.includes('*'))
  t.ok(commands.length >= 5, `examples with a * (${commands.length})`)
  for (const line of commands) t.same(unquotedStars(line), [], line)
})

/** Positions of `*` a POSIX shell would glob: outside quotes, not escaped, before a comment. */
function unquotedStars(line: string): number[] {
  const out: number[] = []
  let quote: string | null = null
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quote) {
      if (c === quote) quote = null
      else if (quote === '"' && c === '\\') i++
    } else if (c === "'" || c === '"') quote = c
    else if (c === '\\') i++
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) break
    else if (c === '*') out.push(i)
  }
  return out
}
