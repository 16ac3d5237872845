// State that another user could have written is never trusted
// (docs/git-credential-pat.md, "Files and trust"): a metadata file in a
// directory another user owns or can write would name exec: sources that run
// as us. Refused with one line naming the path; nothing is read, run,
// written or created there.
import t, { type Test } from 'tap'
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sandbox, type Sandbox } from '../e2e/lib/env.js'

const isRoot = process.getuid?.() === 0
const GET = 'protocol=https\nhost=github.com\n\n'
const PLANTED = 'planted-secret-value-0001'

/** A metadata file whose one token runs a command that leaves `marker` behind. */
function plant(home: string, marker: string): void {
  const token = {
    name: 'planted',
    scope: 'github.com',
    username: 'x-access-token',
    provider: 'github',
    expires: null,
    access: 'read-write',
    created: '2026-01-01T00:00:00.000Z',
    state: 'active',
    source: `exec:id >${marker}; echo ${PLANTED}`,
    origin: 'add',
  }
  writeFileSync(join(home, 'tokens.json'), `{"version":2,"tokens":[\n${JSON.stringify(token)}\n]}\n`)
}

/** get with GIT_CREDENTIAL_PAT_HOME=home: the helper's answer, and what it left. */
async function getWith(sb: Sandbox, home: string, marker: string) {
  const before = readdirSync(home).sort()
  const r = await sb.pat(['get'], { input: GET, env: { GIT_CREDENTIAL_PAT_HOME: home } })
  return { r, ran: existsSync(marker), created: readdirSync(home).filter(n => !before.includes(n)) }
}

/** Refused; `ownDir`: the directory is ours (only the file is not), so our log may go there. */
function refused(t: Test, got: Awaited<ReturnType<typeof getWith>>, path: string, why: RegExp, ownDir = false) {
  t.equal(got.r.stdout, '', 'nothing for git')
  t.notMatch(got.r.stdout + got.r.stderr, PLANTED)
  t.equal(got.ran, false, 'the planted command did not run')
  if (!ownDir) t.same(got.created, [], 'nothing was created there (no log/)')
  t.equal(got.r.code, 1)
  const lines = got.r.stderr.trim().split('\n')
  t.equal(lines.length, 1, `one line: ${got.r.stderr}`)
  t.match(lines[0], path)
  t.match(lines[0], why)
}

t.test('a state directory of our own works (the control case)', async t => {
  const sb = sandbox('trust-own')
  const home = join(sb.dir, 'own')
  mkdirSync(home, { mode: 0o700 })
  const marker = join(sb.dir, 'ran')
  plant(home, marker)
  const got = await getWith(sb, home, marker)
  t.equal(got.r.code, 0, got.r.stderr)
  t.match(got.r.stdout, `password=${PLANTED}`)
  t.equal(got.ran, true, 'our own exec: source runs')
})

t.test('a state directory writable by others is refused', async t => {
  const sb = sandbox('trust-open')
  const home = join(sb.dir, 'open')
  mkdirSync(home)
  chmodSync(home, 0o777)
  const marker = join(sb.dir, 'ran')
  plant(home, marker)
  refused(t, await getWith(sb, home, marker), home, /writable by other users \(mode 777\).*chmod go-w/)
  const list = await sb.pat(['list'], { env: { GIT_CREDENTIAL_PAT_HOME: home } })
  t.equal(list.code, 1, 'the CLI refuses it too')
  t.match(list.stderr, /writable by other users/)
})

t.test('a state directory below a directory writable by others is refused', async t => {
  const sb = sandbox('trust-parent')
  const shared = join(sb.dir, 'shared')
  mkdirSync(shared)
  chmodSync(shared, 0o777) // not sticky: anyone can rename our directory away
  const home = join(shared, 'pat')
  mkdirSync(home, { mode: 0o700 })
  const marker = join(sb.dir, 'ran')
  plant(home, marker)
  refused(t, await getWith(sb, home, marker), shared, /writable by other users \(mode 777\)/)
})

t.test('a metadata file writable by others is refused', async t => {
  const sb = sandbox('trust-file')
  const home = join(sb.dir, 'pat')
  mkdirSync(home, { mode: 0o700 })
  const marker = join(sb.dir, 'ran')
  plant(home, marker)
  chmodSync(join(home, 'tokens.json'), 0o666)
  refused(t, await getWith(sb, home, marker), join(home, 'tokens.json'), /writable by other users \(mode 666\)/, true)
})

t.test('a file: secret below a directory writable by others is refused', async t => {
  const sb = sandbox('trust-secret')
  const open = join(sb.dir, 'secrets')
  mkdirSync(open)
  chmodSync(open, 0o777)
  const file = join(open, 'token')
  writeFileSync(file, 'file-secret-in-open-dir-0001\n', { mode: 0o600 })
  const added = await sb.pat(['add', 'file.example.com', '--source', `file:${file}`, '--username', 'ci', '--name', 'f'])
  t.equal(added.code, 0, added.stderr)
  const got = await sb.pat(['get'], { input: 'protocol=https\nhost=file.example.com\n\n' })
  t.equal(got.stdout, '')
  t.match(got.stderr, new RegExp(`${open} is writable by other users`))
  t.notMatch(got.stderr, 'file-secret-in-open-dir-0001')
})

t.test('another user’s state directory is never trusted', { skip: isRoot || process.env.CI ? false : 'skipped: needs root (CI runs it as root)' }, async t => {
  // The review's reproduction: a directory of nobody's, mode 755, with a metadata file nobody wrote.
  const sb = sandbox('trust-nobody')
  chmodSync(sb.dir, 0o755)
  const home = join(sb.dir, 'shpat')
  mkdirSync(home, { mode: 0o755 })
  const marker = join(sb.dir, 'PWNED')
  plant(home, marker)
  chownSync(home, 65534, 65534)
  chownSync(join(home, 'tokens.json'), 65534, 65534)
  refused(t, await getWith(sb, home, marker), home, /owned by uid 65534, not you/)
  // And where only the file is theirs (in our own directory).
  const mine = join(sb.dir, 'mine')
  mkdirSync(mine, { mode: 0o700 })
  plant(mine, marker)
  chownSync(join(mine, 'tokens.json'), 65534, 65534)
  refused(t, await getWith(sb, mine, marker), join(mine, 'tokens.json'), /owned by uid 65534, not you/, true)
})
