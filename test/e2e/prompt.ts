// The prompt through a real pseudo-terminal (tmux) and real `git clone` against the loopback server:
// what it shows, that the token is not echoed, that only a token the server accepted is remembered, with the
// chosen scope and expiry; askpass gives the same; silence where asked. Renewal: test/e2e/renew.ts.
import t from 'tap'
import { chmodSync, readFileSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { bin, run, type Sandbox } from './lib/env.js'
import { startGitServer, type GitServer } from './lib/git-server.js'
import { haveTmux, startPty } from './lib/tmux.js'
import { promptKit } from './lib/prompt-kit.js'

if (!haveTmux) {
  t.plan(0, 'tmux is not installed')
  process.exit(0)
}

const T = {
  good: 'glpat-typed-at-prompt-0011',
  second: 'glpat-renewed-token-0012',
  wrong: 'glpat-wrong-typed-0013',
  old: 'glpat-expired-token-0014',
}

const srv: GitServer = await startGitServer({
  repos: ['group/a', 'group/sub/b', 'other/d'],
  tokens: [
    { token: T.good, paths: [''], access: 'read-write' },
    { token: T.second, paths: [''], access: 'read-write' },
  ],
})
t.teardown(() => srv.close())

const { origin, patSandbox: kitSandbox, ttyEnv, pendingFiles, seen, cloneInPty } = promptKit(srv)
const patSandbox = (name: string) => kitSandbox(t, name)
const NAME = `127.0.0.1-${hostname().split('.')[0]}`
const GROUP_NAME = `127.0.0.1-group-${hostname().split('.')[0]}` // names follow the scope, as add's do
const tokens = (sb: Sandbox) => sb.tokens()

t.test('the terminal prompt: URL, link, hidden token, scope and expiry remembered after success', async t => {
  const sb = await patSandbox('prompt-tty')
  let from = srv.requests.length
  const first = await cloneInPty(sb, 'group/a', 'a', async p => {
    const s = await p.waitFor('Token for')
    t.match(s, `no token for ${origin}/group/a.git`, 'names the URL and why')
    t.match(s, `${origin}/-/user_settings/personal_access_tokens?name=${NAME}&scopes=read_repository,write_repository`, 'the prefilled link')
    t.notMatch(s, /Username for/, 'GitLab: the username is the convention')
    p.paste(T.good)
    p.press('Enter')
    await p.waitFor('Expires on')
    p.type('2030-01-31')
    p.press('Enter')
    const menu = await p.waitFor('Remember [')
    t.match(menu, `the group`)
    t.match(menu, `${origin}/group/*`)
    p.type('2')
    p.press('Enter')
  })
  t.equal(first.code, 0, first.screen)
  t.notMatch(first.screen, T.good, 'the typed token was never on the screen')
  t.same(seen('group/a', from), [T.good])
  t.match(first.screen, `git-credential-pat: saved token '${GROUP_NAME}' for ${origin}/group/*, expires 2030-01-31`, 'after git reported success')
  const list = await tokens(sb)
  t.same(
    list.map(x => [x.name, x.scope, x.username, x.expires, x.origin, x.state]),
    [[GROUP_NAME, `${origin}/group/*`, 'oauth2', '2030-01-31T00:00:00.000Z', 'prompt', 'active']],
    'saved with the chosen scope and expiry',
  )
  t.same(pendingFiles(sb), [], 'nothing left pending')
  const shown = await sb.pat(['list'])
  t.notMatch(shown.stdout, T.good)

  from = srv.requests.length
  const second = await cloneInPty(sb, 'group/sub/b', 'b', async () => {})
  t.equal(second.code, 0, second.screen)
  t.notMatch(second.screen, /Token for|git-credential-pat:/, 'the next clone does not prompt')
  t.same(seen('group/sub/b', from), [T.good], 'the group token served another repository in the group')
})

t.test('a wrong token typed at the prompt: 401, nothing saved', async t => {
  const sb = await patSandbox('prompt-wrong')
  const from = srv.requests.length
  const r = await cloneInPty(sb, 'other/d', 'd', async p => {
    await p.waitFor('Token for')
    p.paste(T.wrong)
    p.press('Enter')
    await p.waitFor('Expires on')
    p.press('Enter')
    await p.waitFor('Remember [')
    p.type('host')
    p.press('Enter')
  })
  t.not(r.code, 0, 'git failed')
  t.ok(
    srv.requests.slice(from).some(q => q.token === T.wrong && q.status === 401),
    'the server said 401',
  )
  t.same(await tokens(sb), [], 'nothing was saved')
  t.match(r.screen, `git-credential-pat: the server refused the token typed for ${origin}/other/d.git; it was not saved`)
  t.same(pendingFiles(sb), [], 'erase dropped the pending token')
  t.notMatch(r.screen, T.wrong)
})

t.test('Ctrl-C at a question leaves nothing behind', async t => {
  const sb = await patSandbox('prompt-ctrlc')
  const from = srv.requests.length
  const r = await cloneInPty(sb, 'other/d', 'd', async p => {
    await p.waitFor('Token for')
    p.paste(T.good)
    p.press('Enter')
    await p.waitFor('Expires on')
    p.press('C-c')
  })
  t.not(r.code, 0, 'git stopped')
  t.match(r.screen, /cancelled; nothing was saved/)
  t.notMatch(r.screen, /Username for|Password for/, 'git does not ask again')
  t.same(seen('other/d', from), [], 'the token was never sent')
  t.same(await tokens(sb), [])
  t.same(pendingFiles(sb), [])
})

t.test('an expired token: the prompt says so, and the new token renews it', async t => {
  const sb = await patSandbox('prompt-expired')
  await sb.addToken(origin, T.old, ['--name', 'old', '--expires', '2020-01-01', '--force'])
  const from = srv.requests.length
  const r = await cloneInPty(sb, 'other/d', 'd', async p => {
    const s = await p.waitFor('Token for')
    t.match(s, `no usable token for ${origin}/other/d.git`)
    // get names it on the terminal just above; the prompt points there instead of saying it again.
    t.match(s, `token 'old' (${origin}) expired on 2020-01-01`)
    t.match(s, `no usable token for ${origin}/other/d.git (see above)`)
    p.paste(T.second)
    p.press('Enter')
    await p.waitFor('Expires on')
    p.type('2031-02-28')
    p.press('Enter')
    await p.waitFor('Remember [')
    p.press('Enter') // the default: the whole host
  })
  t.equal(r.code, 0, r.screen)
  t.same(seen('other/d', from), [T.second], 'the expired token was never sent')
  t.same(
    (await tokens(sb)).map(x => [x.name, x.scope, x.expires, x.state]),
    [['old', origin, '2031-02-28T00:00:00.000Z', 'active']],
    'the expired token was renewed in place',
  )
})

t.test('"this session only": the daemon holds it, nothing is written, and it serves the next clone', async t => {
  const sb = await patSandbox('prompt-session')
  sb.env.GIT_CREDENTIAL_PAT_DAEMON = 'auto' // the test session turns the daemon off
  const r = await cloneInPty(sb, 'group/a', 'a', async p => {
    await p.waitFor('Token for')
    p.paste(T.good)
    p.press('Enter')
    await p.waitFor('Expires on')
    p.press('Enter')
    const menu = await p.waitFor('Remember [')
    t.match(menu, /this session only +http:/)
    p.type('session')
    p.press('Enter')
  })
  t.equal(r.code, 0, r.screen)
  t.same(await tokens(sb), [], 'nothing saved to the metadata')
  t.same(pendingFiles(sb), [])
  const from = srv.requests.length
  const next = await sb.git(['clone', srv.url('other/d'), 'd'])
  t.equal(next.code, 0, next.stderr)
  t.same(seen('other/d', from), [T.good], 'the session token served the next clone')
  await sb.pat(['daemon', 'stop'])
  const after = await sb.git(['clone', srv.url('other/d'), 'd2'])
  t.not(after.code, 0, 'gone with the daemon')
})

t.test('an askpass program answering the questions gives the same result', async t => {
  const sb = await patSandbox('prompt-askpass')
  const askpass = join(sb.dir, 'askpass.sh')
  const log = join(sb.dir, 'askpass.log')
  const secretFile = join(sb.dir, 'secret')
  writeFileSync(secretFile, T.good, { mode: 0o600 })
  writeFileSync(
    askpass,
    `#!/bin/sh\nprintf '%s\\n' "$1" >> '${log}'\ncase "$1" in\n  git-credential-pat:*) echo y ;;\n  Token*) cat '${secretFile}' ;;\n  Expires*) echo 2030-01-31 ;;\n  Remember*) echo group ;;\n  *) exit 1 ;;\nesac\n`,
  )
  chmodSync(askpass, 0o755)
  const from = srv.requests.length
  // No terminal at all, and GIT_TERMINAL_PROMPT=0: askpass is still used, as git does.
  const r = await run('setsid', ['-w', 'git', 'clone', srv.url('group/a'), 'a'], { cwd: sb.dir, env: { ...sb.env, GIT_ASKPASS: askpass } })
  t.equal(r.code, 0, r.stderr)
  t.same(seen('group/a', from), [T.good])
  const asked = readFileSync(log, 'utf8')
  t.match(asked, `git-credential-pat: no token for ${origin}/group/a.git. Create one at ${origin}/-/user_settings/personal_access_tokens?name=${NAME}`)
  t.match(asked, `Token for '${origin}/group/a.git'`)
  t.equal(asked.trim().split('\n').length, 4, 'one call per question: go ahead, token, expiry, where')
  t.notMatch(asked + r.stderr, T.good, 'the token is not in the questions or on stderr')
  t.same(
    (await tokens(sb)).map(x => [x.name, x.scope, x.username, x.expires, x.origin]),
    [[GROUP_NAME, `${origin}/group/*`, 'oauth2', '2030-01-31T00:00:00.000Z', 'prompt']],
    'same as the terminal path',
  )
  t.same(pendingFiles(sb), [])
})

const request = `protocol=http\nhost=127.0.0.1:${srv.port}\npath=group/a.git\n\n`

t.test('with a terminal but GIT_TERMINAL_PROMPT=0, credential.interactive=false or CI: silent, exit 0, fast', async t => {
  const sb = await patSandbox('prompt-silent')
  const cases: Array<[string, string]> = [
    ['GIT_TERMINAL_PROMPT=0', 'GIT_TERMINAL_PROMPT=0'],
    ['credential.interactive=false', 'GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=credential.interactive GIT_CONFIG_VALUE_0=false'],
    ['credential.interactive=never', 'GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=credential.interactive GIT_CONFIG_VALUE_0=never'],
    ['CI=true', 'CI=true'],
  ]
  writeFileSync(join(sb.dir, 'request'), request)
  // Three runs each: the test machine may be busy; a prompt would hang every one.
  const lines = cases.map(
    ([, vars], i) =>
      `for k in 1 2 3; do s=$(date +%s%N); env ${vars} ${bin} get < request > out-${i}; rc=$?; e=$(date +%s%N); echo "$rc $(( (e - s) / 1000000 ))" >> res-${i}; done`,
  )
  const p = startPty(sb.dir, ttyEnv(sb), lines.join('\n'))
  try {
    t.equal(await p.exited(), 0)
    const screen = p.screen()
    t.notMatch(screen, /Token for|git-credential-pat/, 'nothing on the terminal')
    cases.forEach(([what], i) => {
      const runs = readFileSync(join(sb.dir, `res-${i}`), 'utf8')
        .trim()
        .split('\n')
        .map(l => l.split(' ').map(Number))
      t.ok(
        runs.every(([rc]) => rc === 0),
        `${what}: exit 0`,
      )
      const ms = Math.min(...runs.map(([, ms]) => ms))
      t.ok(ms < 1000, `${what}: ${ms} ms (best of ${runs.length})`)
      t.equal(readFileSync(join(sb.dir, `out-${i}`), 'utf8'), '', `${what}: nothing on stdout`)
    })
  } finally {
    p.close()
  }
})

t.test('no controlling terminal: silent, exit 0, fast', async t => {
  const sb = await patSandbox('prompt-notty')
  for (const env of [ttyEnv(sb), { ...sb.env }]) {
    let best = Infinity
    for (let k = 0; k < 3 && best >= 1000; k++) {
      const start = Date.now()
      // setsid: a new session with no controlling terminal.
      const r = await run('setsid', ['-w', bin, 'get'], { env, input: request })
      best = Math.min(best, Date.now() - start)
      t.equal(r.code, 0)
      t.equal(r.stdout, '', 'nothing on stdout')
      t.equal(r.stderr, '', 'nothing on stderr')
    }
    t.ok(best < 1000, `${best} ms`)
  }
  t.same(pendingFiles(sb), [])
})
