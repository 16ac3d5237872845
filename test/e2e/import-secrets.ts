// Where import reads secrets, end to end (docs/git-credential-pat.md,
// "import"): a dry run reads none and runs nothing; a setup moved with
// export → import records every token, asks for the secrets it lacks at a
// terminal, else leaves them awaiting one, and the first git use asks with
// the renewal prompt; a token that has its secret is not read again from
// `secretFrom` unless --refresh-secrets says so.
import t, { type Test } from 'tap'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { bin, parseCredential, run, type Sandbox } from './lib/env.js'
import { startGitServer, type GitServer } from './lib/git-server.js'
import { keychainOp } from './lib/keyring.js'
import { box, doctorJson, ok } from './lib/cli.js'
import { haveTmux, startPty } from './lib/tmux.js'
import { promptKit } from './lib/prompt-kit.js'

const S = { alpha: 'glpat-awaiting-alpha-0031', beta: 'glpat-awaiting-beta-00032', gamma: 'glpat-awaiting-gamma-0033', delta: 'env-awaiting-delta-000034' }

const srv: GitServer = await startGitServer({
  repos: ['a/app', 'b/app', 'c/app', 'd/app'],
  tokens: [
    { token: S.alpha, paths: ['a/'], access: 'read-write' },
    { token: S.beta, paths: ['b/'], access: 'read-write' },
    { token: S.gamma, paths: ['c/'], access: 'read-write' },
    { token: S.delta, paths: ['d/'], access: 'read-write' },
  ],
})
t.teardown(() => srv.close())
const { origin, patSandbox, ttyEnv } = promptKit(srv)

interface Rec {
  name: string
  scope: string
  state: string
  awaitingSecret?: boolean
  expires: string | null
}
const records = async (sb: Sandbox) => JSON.parse((await ok(sb, ['list', '--json'])).stdout) as Rec[]

/** The command with no controlling terminal, as from cron or a provisioning tool. */
const detached = (sb: Sandbox, args: string[], env: NodeJS.ProcessEnv = {}) => run('setsid', ['-w', bin, ...args], { cwd: sb.dir, env: { ...sb.env, ...env } })

t.test('import --dry-run reads no secret and runs nothing; it says which secrets it would read', async t => {
  const sb = box('import-dry')
  const marker = join(sb.dir, 'secretFrom-ran')
  const exec = `exec:touch ${marker}; echo exec-dry-secret-0001`
  const manifest = {
    version: 1,
    tokens: [
      { name: 'ex', scope: 'git.example.com/ex/*', username: 'u', source: 'keychain', secretFrom: exec },
      { name: 'en', scope: 'git.example.com/en/*', username: 'u', source: 'keychain', secretFrom: 'env:DRY_RUN_UNSET' },
      { name: 'fi', scope: 'git.example.com/fi/*', username: 'u', source: 'keychain', secretFrom: `file:${join(sb.dir, 'no-such-secret')}` },
      { name: 'kc', scope: 'git.example.com/kc/*', username: 'u', source: 'keychain' },
    ],
  }
  const file = join(sb.dir, 'dry.json')
  writeFileSync(file, JSON.stringify(manifest))
  // No keyring to reach: any keychain read would fail the dry run.
  const noBus = { DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(sb.dir, 'no-such-bus')}`, DRY_RUN_UNSET: undefined }
  const dry = await sb.pat(['import', file, '--dry-run'], { env: noBus })
  t.equal(dry.code, 0, dry.stderr)
  t.notOk(existsSync(marker), 'the exec: command did not run')
  t.match(dry.stdout, `would read the secret of 'ex' from exec:touch ${marker}; echo [redacted]`, 'the command, without a token-like word in it')
  t.notMatch(dry.stdout + dry.stderr, 'exec-dry-secret-0001')
  t.match(dry.stdout, `would read the secret of 'en' from env:DRY_RUN_UNSET`)
  t.match(dry.stdout, `would read the secret of 'fi' from file:${join(sb.dir, 'no-such-secret')}`)
  t.match(dry.stdout, /'kc' would await its secret/)
  t.match(dry.stdout, /dry run \(4 added, .*\): nothing was changed/)
  t.equal((await records(sb)).length, 0, 'nothing recorded')

  // The marker is one the command does make when import really runs it.
  writeFileSync(file, JSON.stringify({ version: 1, tokens: [manifest.tokens[0]] }))
  await ok(sb, ['import', file])
  t.ok(existsSync(marker), 'a real import runs it')
})

/** A home with three keychain tokens and one env: token, exported. */
async function exported(t: Test): Promise<string> {
  const sb = await patSandbox(t, 'import-from')
  for (const [n, group] of [
    ['alpha', 'a'],
    ['beta', 'b'],
    ['gamma', 'c'],
  ] as const)
    await sb.addToken(`${origin}/${group}/*`, S[n], ['--name', n, '--provider', 'gitlab', '--username', 'oauth2', '--expires', '2031-01-31'])
  await sb.addToken(`${origin}/d/*`, '', ['--name', 'delta', '--source', 'env:DELTA_TOKEN', '--username', 'oauth2'])
  const r = await ok(sb, ['export'])
  const file = join(sb.dir, 'tokens.json')
  writeFileSync(file, r.stdout)
  return file
}

t.test('export → import on a second home without a terminal: every token recorded, the ones without a secret await it', async t => {
  const file = await exported(t)
  const sb = await patSandbox(t, 'import-to')
  const r = await detached(sb, ['import', file], { GIT_TERMINAL_PROMPT: undefined, CI: undefined })
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, /imported .*: 4 added/)
  t.match(r.stdout, /3 tokens await a secret: 'alpha' \(.*\/a\/\*\), 'beta' \(.*\/b\/\*\), 'gamma' \(.*\/c\/\*\)/, 'all three named at once')
  for (const s of Object.values(S)) t.notMatch(r.stdout + r.stderr, s)
  const recs = await records(sb)
  t.same(
    recs.map(x => [x.name, !!x.awaitingSecret]),
    [
      ['alpha', true],
      ['beta', true],
      ['gamma', true],
      ['delta', false],
    ],
  )
  const list = await ok(sb, ['list'])
  t.same(
    list.stdout.match(/^\s*\w+ .* awaiting secret$/gm)?.map(l => l.trim().split(/\s+/)[0]),
    ['alpha', 'beta', 'gamma'],
    list.stdout,
  )
  const doc = await doctorJson(sb)
  t.equal(doc.checks['awaiting-secret']?.status, 'warn', JSON.stringify(doc.checks['awaiting-secret']))
  t.match(doc.checks['awaiting-secret'].details.join('\n'), /alpha[^]*beta[^]*gamma/)
  t.not(doc.checks['missing-secret']?.status, 'fail', 'a token awaiting its secret is not a lost one')

  // git gets nothing for it (and is told why), the other tokens still answer.
  const got = await sb.pat(['get'], { input: `protocol=http\nhost=127.0.0.1:${srv.port}\npath=a/app.git\n\n` })
  t.equal(got.code, 0)
  t.equal(parseCredential(got.stdout).password, undefined, 'no secret sent')
  t.match(got.stderr, /'alpha'.*awaits its secret/)
  const d = await sb.git(['ls-remote', srv.url('d/app')], { env: { DELTA_TOKEN: S.delta } })
  t.equal(d.code, 0, d.stderr)

  if (!haveTmux) return t.comment('tmux is not installed: the prompt part is skipped')
  // The first git use at a terminal asks with the renewal prompt: name and scope kept.
  const p = startPty(sb.dir, ttyEnv(sb), `git clone ${srv.url('a/app')} a`)
  try {
    const s = await p.waitFor('Token for')
    t.match(s, 'personal_access_tokens?name=alpha&', 'the token page is prefilled with its name')
    p.paste(S.alpha)
    p.press('Enter')
    await p.waitFor('Expires on')
    p.press('Enter')
    const menu = await p.waitFor('Remember [')
    t.match(menu, /2\) the group \(renews 'alpha'\)/)
    p.press('Enter')
    t.equal(await p.exited(), 0, p.screen())
    t.notMatch(p.screen(), S.alpha, 'the secret was not echoed')
  } finally {
    p.close()
  }
  const after = await records(sb)
  t.same(
    after.map(x => [x.name, x.scope, !!x.awaitingSecret]),
    [
      ['alpha', `${origin}/a/*`, false],
      ['beta', `${origin}/b/*`, true],
      ['gamma', `${origin}/c/*`, true],
      ['delta', `${origin}/d/*`, false],
    ],
    'alpha renewed in place, nothing added',
  )
  t.equal(JSON.parse(await keychainOp(sb.env, 'get', 'alpha')), S.alpha)
  const again = await sb.git(['ls-remote', srv.url('a/app')])
  t.equal(again.code, 0, again.stderr)
})

t.test('export → import at a terminal: asked for each missing secret, hidden, with the token page', { skip: !haveTmux && 'tmux is not installed' }, async t => {
  const file = await exported(t)
  const sb = await patSandbox(t, 'import-tty')
  const p = startPty(sb.dir, ttyEnv(sb), `git-credential-pat import ${file}`)
  try {
    const first = await p.waitFor("Secret for 'alpha'")
    t.match(first, /3 tokens need a secret: 'alpha' \(.*\), 'beta' \(.*\), 'gamma' \(.*\)/, 'listed at once, before the first question')
    t.match(first, 'personal_access_tokens?name=alpha&')
    p.paste(S.alpha)
    p.press('Enter')
    await p.waitFor("Secret for 'beta'")
    p.paste(S.beta)
    p.press('Enter')
    await p.waitFor("Secret for 'gamma'")
    p.press('Enter')
    t.equal(await p.exited(), 0, p.screen())
    const screen = p.screen()
    for (const s of Object.values(S)) t.notMatch(screen, s, 'no secret on the screen')
    t.match(screen, /1 token awaits a secret: 'gamma'/)
  } finally {
    p.close()
  }
  t.same(
    (await records(sb)).map(x => [x.name, !!x.awaitingSecret]),
    [
      ['alpha', false],
      ['beta', false],
      ['gamma', true],
      ['delta', false],
    ],
  )
  for (const repo of ['a/app', 'b/app']) {
    const r = await sb.git(['ls-remote', srv.url(repo)])
    t.equal(r.code, 0, `${repo}: ${r.stderr}`)
  }
})

t.test('secretFrom is read once: a token with its secret is no change; --refresh-secrets reads it again', async t => {
  const sb = box('import-refresh')
  const file = join(sb.dir, 'bb.json')
  writeFileSync(
    file,
    JSON.stringify({ version: 1, tokens: [{ name: 'bb', scope: 'bitbucket.org/acme/*', username: 'me', source: 'keychain', secretFrom: 'env:BB_TOKEN' }] }),
  )
  const first = await sb.pat(['import', file], { env: { BB_TOKEN: 'bb-refresh-secret-00001' } })
  t.equal(first.code, 0, first.stderr)
  const again = await sb.pat(['import', file], { env: { BB_TOKEN: undefined } })
  t.equal(again.code, 0, again.stderr)
  t.equal(again.stdout, `no change: the 1 token of ${file} is as declared\n`)
  const unset = await sb.pat(['import', file, '--refresh-secrets'], { env: { BB_TOKEN: undefined } })
  t.equal(unset.code, 1, 'asked to read it again, and it is not there')
  t.match(unset.stderr, /BB_TOKEN is not set/)
  const same = await sb.pat(['import', file, '--refresh-secrets'], { env: { BB_TOKEN: 'bb-refresh-secret-00001' } })
  t.equal(same.code, 0, same.stderr)
  t.match(same.stdout, /^no change/)
  const fresh = await sb.pat(['import', file, '--refresh-secrets'], { env: { BB_TOKEN: 'bb-refresh-secret-00002' } })
  t.equal(fresh.code, 0, fresh.stderr)
  t.match(fresh.stdout, "changed 'bb': secret")
  t.equal(JSON.parse(await keychainOp(sb.env, 'get', 'bb')), 'bb-refresh-secret-00002')
  t.notMatch(fresh.stdout + fresh.stderr, /bb-refresh-secret/)
})
