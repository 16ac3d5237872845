// git's own conformance suite for external credential helpers, ported to tap
// and run against the real `git` binary: the helper must pass git's own
// conformance suite for external helpers (t/t0303-credential-external.sh with
// t/lib-credential.sh, run with GIT_TEST_CREDENTIAL_HELPER=pat) on the
// installed git.
//
// What is ported, case by case, with git's inputs and expected output:
//   helper_test_clean, helper_test (including the cases git added after 2.39:
//   "overwrites on store", "does not erase a password distinct from input",
//   "erases all matching credentials", "not confused by long header"),
//   helper_test_password_expiry_utc, helper_test_oauth_refresh_token and
//   helper_test_authtype.
// Everything git 2.39 can carry goes through `git -c credential.helper=pat
// credential fill|approve|reject`, compared exactly like lib-credential.sh's
// check(): git exits 0, stdout and stderr are byte-for-byte what git's suite
// expects, including the askpass prompts git prints when the helper has
// nothing. Cases that need a newer git (password_expiry_utc and
// oauth_refresh_token need git >= 2.41, capability[]/authtype/ephemeral need
// git >= 2.46) pipe the protocol straight into `git-credential-pat get|store|erase`
// instead and check what the helper itself answers.
//
// git's test-lib.sh unsets every GIT_* variable (so GIT_TERMINAL_PROMPT too)
// and points GIT_ASKPASS at a script that echoes `askpass-<first word of the
// prompt>` and logs the prompt on stderr. The suite runs once in exactly that
// environment, with no controlling terminal, and once more with
// GIT_TERMINAL_PROMPT=0, so a failure caused only by the helper prompting
// is told apart from a matching or storage bug.
//
// After the port come the project's own cases (scope parts,
// several usernames, erase rules, unknown attributes, useHttpPath, the empty
// answer, malformed input).
import t, { type Test } from 'tap'
import { execFileSync } from 'node:child_process'
import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { bin, run, sandbox, type RunResult, type Sandbox } from './lib/env.js'

t.setTimeout(15 * 60_000)

// ---------------------------------------------------------------- plumbing

const gitVersion = (() => {
  const out = execFileSync('git', ['--version'], { encoding: 'utf8' })
  const m = /(\d+)\.(\d+)/.exec(out)
  return m ? [Number(m[1]), Number(m[2])] : [0, 0]
})()
const gitAtLeast = (major: number, minor: number) => gitVersion[0] > major || (gitVersion[0] === major && gitVersion[1] >= minor)

/** Lines as git's heredocs write them: each ended by a newline. */
const lines = (...l: string[]) => (l.length ? l.join('\n') + '\n' : '')

/** git's askpass helper (lib-credential.sh): log the prompt, answer `askpass-<first word>`. */
function writeAskpass(dir: string): string {
  const file = join(dir, 'askpass')
  writeFileSync(
    file,
    ['#!/bin/sh', 'echo >&2 askpass: $*', "what=$(printf '%s\\n' \"$1\" | cut -d' ' -f1 | tr 'A-Z' 'a-z' | tr -cd 'a-z')", 'echo "askpass-$what"', ''].join(
      '\n',
    ),
  )
  chmodSync(file, 0o755)
  return file
}

interface Ctx {
  sb: Sandbox
  env: NodeJS.ProcessEnv
}

/**
 * A sandbox plus the environment git's test-lib gives a helper under test:
 * GIT_ASKPASS set to the askpass script; GIT_TERMINAL_PROMPT unset (as
 * test-lib.sh leaves it) or set to the given value.
 */
function context(name: string, terminalPrompt: string | undefined): Ctx {
  const sb = sandbox(name)
  const env: NodeJS.ProcessEnv = { ...sb.env, GIT_ASKPASS: writeAskpass(sb.dir) }
  if (terminalPrompt === undefined) delete env.GIT_TERMINAL_PROMPT
  else env.GIT_TERMINAL_PROMPT = terminalPrompt
  // Keep stderr exactly what git's suite expects.
  delete env.GIT_CREDENTIAL_PAT_TRACE
  delete env.GIT_TRACE
  return { sb, env }
}

/**
 * Run a command detached from any controlling terminal (a new session), so
 * the only way anything can prompt is GIT_ASKPASS, as in git's test harness.
 */
function runDetached(cmd: string, args: string[], ctx: Ctx, input: string): Promise<RunResult> {
  return run(cmd, args, { cwd: ctx.sb.dir, env: ctx.env, input, detached: true })
}

/** `git -c credential.helper=pat [-c …] credential <cmd>` */
function gitCredential(ctx: Ctx, cmd: 'fill' | 'approve' | 'reject', input: string, config: string[] = []) {
  const args = ['-c', 'credential.helper=pat']
  for (const c of config) args.push('-c', c)
  return runDetached('git', [...args, 'credential', cmd], ctx, input)
}

/** The helper itself, as git would run it. */
function helper(ctx: Ctx, op: string, input: string) {
  return runDetached(bin, [op], ctx, input)
}

/**
 * lib-credential.sh's check(): git must exit 0, and print exactly the
 * expected stdout and stderr (empty unless given).
 */
async function check(
  t: Test,
  ctx: Ctx,
  cmd: 'fill' | 'approve' | 'reject',
  stdin: string[],
  stdout: string[] = [],
  stderr: string[] = [],
  config: string[] = [],
) {
  const r = await gitCredential(ctx, cmd, lines(...stdin), config)
  t.equal(r.code, 0, `git credential ${cmd} exits 0`, { stderr: r.stderr })
  t.equal(r.stdout, lines(...stdout), `git credential ${cmd}: stdout`)
  t.equal(r.stderr, lines(...stderr), `git credential ${cmd}: stderr`)
}

/** The two askpass prompts git shows when nothing answered for URL (user@URL for the second). */
const askBoth = (proto: string, hostAndPath: string) => [
  `askpass: Username for '${proto}://${hostAndPath}':`,
  `askpass: Password for '${proto}://askpass-username@${hostAndPath}':`,
]

type Attr = [string, string]

const toInput = (attrs: Attr[]) => attrs.map(([k, v]) => `${k}=${v}\n`).join('')

/** Parse a helper's answer; report lines that are not `key=value`. */
function parseAnswer(stdout: string): { attrs: Attr[]; bad: string[] } {
  const attrs: Attr[] = []
  const bad: string[] = []
  let text = stdout
  if (text.endsWith('\n\n')) text = text.slice(0, -1) // a blank line may end the answer
  if (text !== '' && !text.endsWith('\n')) bad.push('(answer does not end with a newline)')
  for (const line of text.split('\n').slice(0, -1)) {
    const i = line.indexOf('=')
    if (i <= 0) bad.push(line)
    else attrs.push([line.slice(0, i), line.slice(i + 1)])
  }
  return { attrs, bad }
}

const sortAttrs = (a: Attr[]) => [...a].sort((x, y) => (x[0] + '=' + x[1]).localeCompare(y[0] + '=' + y[1]))

/**
 * The helper answered `get` with exactly `want`, as git would see it. What git
 * sent itself (protocol, host, path, username) the helper may echo or leave
 * out: git prints its own copy either way, which is why git's expected output
 * lists them. capability[]=authtype, when wanted, must come from the helper
 * (git only passes authtype/credential on if the helper announced it); when
 * not wanted, an echo of it is tolerated.
 * Exit 0, nothing on stderr, nothing but protocol lines on stdout, no quit.
 */
function expectAnswer(t: Test, r: RunResult, input: Attr[], want: Attr[], what = 'get answers') {
  t.equal(r.code, 0, `${what}: exit 0`, { stderr: r.stderr })
  t.equal(r.stderr, '', `${what}: nothing on stderr`)
  const { attrs, bad } = parseAnswer(r.stdout)
  t.same(bad, [], `${what}: only key=value lines on stdout`, { stdout: r.stdout })
  const sent = new Set(input.map(([k, v]) => `${k}=${v}`))
  const wantKeys = new Set(want.map(([k]) => k))
  const identity = ['protocol', 'host', 'path', 'username']
  const isEcho = ([k, v]: Attr) => sent.has(`${k}=${v}`) && (identity.includes(k) || (k === 'capability[]' && !wantKeys.has(k)))
  for (const [k, v] of attrs) {
    if (['protocol', 'host', 'path'].includes(k)) t.ok(sent.has(`${k}=${v}`), `${what}: echoed ${k}=${v} as sent`)
  }
  t.same(
    sortAttrs(attrs.filter(a => !isEcho(a) && !['protocol', 'host', 'path'].includes(a[0]))),
    sortAttrs(want.filter(a => !isEcho(a))),
    `${what}: ${want.length ? want.map(a => a.join('=')).join(' ') : 'nothing'}`,
  )
}

/** store/erase: exit 0, silent. */
function expectQuiet(t: Test, r: RunResult, what: string) {
  t.equal(r.code, 0, `${what}: exit 0`, { stderr: r.stderr })
  t.equal(r.stdout, '', `${what}: nothing on stdout`)
  t.equal(r.stderr, '', `${what}: nothing on stderr`)
}

/** Best effort: stop a daemon the helper may have started for this sandbox. */
async function stopDaemon(ctx: Ctx) {
  await run(bin, ['daemon', 'stop'], { cwd: ctx.sb.dir, env: ctx.env, input: '' }).catch(() => {})
}

// ---------------------------------------------------- lib-credential.sh port

const HELPER = 'pat'

/** The example.com users lib-credential.sh's tests store under (helper_test_clean rejects them all). */
const SUITE_USERS = [
  'store-user',
  'user1',
  'user2',
  'user-expiry',
  'user-expiry-overwrite',
  'user4',
  'user-distinct-pass',
  'user-overwrite',
  'user-erase1',
  'user-erase2',
]

/** helper_test_clean (plus the users the newer suite and the authtype cases use). */
async function helperTestClean(ctx: Ctx) {
  const reject = (proto: string, host: string, user?: string) =>
    gitCredential(ctx, 'reject', lines(`protocol=${proto}`, `host=${host}`, `username=${user ?? ''}`))
  for (const user of SUITE_USERS) {
    await reject('https', 'example.com', user)
  }
  await reject('http', 'path.tld', 'user')
  await reject('https', 'timeout.tld', 'user')
  await reject('https', 'sso.tld')
  // Not in git's list, but this port stores them too.
  await reject('https', 'victim.example.com', 'user')
  await gitCredential(ctx, 'reject', lines('protocol=https', 'host=git.example.com'))
  await gitCredential(ctx, 'reject', lines('protocol=https', 'host=git2.example.com'))
}

async function helperTest(t: Test, ctx: Ctx) {
  const H = HELPER

  await t.test(`helper (${H}) has no existing data`, async t => {
    await check(
      t,
      ctx,
      'fill',
      ['protocol=https', 'host=example.com'],
      ['protocol=https', 'host=example.com', 'username=askpass-username', 'password=askpass-password'],
      askBoth('https', 'example.com'),
    )
  })

  await t.test(`helper (${H}) stores password`, async t => {
    await check(t, ctx, 'approve', ['protocol=https', 'host=example.com', 'username=store-user', 'password=store-pass'])
  })

  await t.test(`helper (${H}) can retrieve password`, async t => {
    await check(t, ctx, 'fill', ['protocol=https', 'host=example.com'], ['protocol=https', 'host=example.com', 'username=store-user', 'password=store-pass'])
  })

  await t.test(`helper (${H}) overwrites on store`, async t => {
    await check(t, ctx, 'approve', ['protocol=https', 'host=example.com', 'username=user-overwrite', 'password=pass1'])
    await check(t, ctx, 'approve', ['protocol=https', 'host=example.com', 'username=user-overwrite', 'password=pass2'])
    await check(
      t,
      ctx,
      'fill',
      ['protocol=https', 'host=example.com', 'username=user-overwrite'],
      ['protocol=https', 'host=example.com', 'username=user-overwrite', 'password=pass2'],
    )
    await check(t, ctx, 'reject', ['protocol=https', 'host=example.com', 'username=user-overwrite', 'password=pass2'])
    await check(
      t,
      ctx,
      'fill',
      ['protocol=https', 'host=example.com', 'username=user-overwrite'],
      ['protocol=https', 'host=example.com', 'username=user-overwrite', 'password=askpass-password'],
      ["askpass: Password for 'https://user-overwrite@example.com':"],
    )
  })

  await t.test(`helper (${H}) requires matching protocol`, async t => {
    await check(
      t,
      ctx,
      'fill',
      ['protocol=http', 'host=example.com'],
      ['protocol=http', 'host=example.com', 'username=askpass-username', 'password=askpass-password'],
      askBoth('http', 'example.com'),
    )
  })

  await t.test(`helper (${H}) requires matching host`, async t => {
    await check(
      t,
      ctx,
      'fill',
      ['protocol=https', 'host=other.tld'],
      ['protocol=https', 'host=other.tld', 'username=askpass-username', 'password=askpass-password'],
      askBoth('https', 'other.tld'),
    )
  })

  await t.test(`helper (${H}) requires matching username`, async t => {
    await check(
      t,
      ctx,
      'fill',
      ['protocol=https', 'host=example.com', 'username=other'],
      ['protocol=https', 'host=example.com', 'username=other', 'password=askpass-password'],
      ["askpass: Password for 'https://other@example.com':"],
    )
  })

  await t.test(`helper (${H}) requires matching path`, async t => {
    // test_config credential.usehttppath true
    const cfg = ['credential.usehttppath=true']
    await check(t, ctx, 'approve', ['protocol=http', 'host=path.tld', 'path=foo.git', 'username=user', 'password=pass'], [], [], cfg)
    await check(
      t,
      ctx,
      'fill',
      ['protocol=http', 'host=path.tld', 'path=bar.git'],
      ['protocol=http', 'host=path.tld', 'path=bar.git', 'username=askpass-username', 'password=askpass-password'],
      askBoth('http', 'path.tld/bar.git'),
      cfg,
    )
  })

  await t.test(`helper (${H}) can forget host`, async t => {
    await check(t, ctx, 'reject', ['protocol=https', 'host=example.com'])
    await check(
      t,
      ctx,
      'fill',
      ['protocol=https', 'host=example.com'],
      ['protocol=https', 'host=example.com', 'username=askpass-username', 'password=askpass-password'],
      askBoth('https', 'example.com'),
    )
  })

  await t.test(`helper (${H}) can store multiple users`, async t => {
    await check(t, ctx, 'approve', ['protocol=https', 'host=example.com', 'username=user1', 'password=pass1'])
    await check(t, ctx, 'approve', ['protocol=https', 'host=example.com', 'username=user2', 'password=pass2'])
    await check(
      t,
      ctx,
      'fill',
      ['protocol=https', 'host=example.com', 'username=user1'],
      ['protocol=https', 'host=example.com', 'username=user1', 'password=pass1'],
    )
    await check(
      t,
      ctx,
      'fill',
      ['protocol=https', 'host=example.com', 'username=user2'],
      ['protocol=https', 'host=example.com', 'username=user2', 'password=pass2'],
    )
  })

  await t.test(`helper (${H}) does not erase a password distinct from input`, async t => {
    await check(t, ctx, 'approve', ['protocol=https', 'host=example.com', 'username=user-distinct-pass', 'password=pass1'])
    await check(t, ctx, 'reject', ['protocol=https', 'host=example.com', 'username=user-distinct-pass', 'password=pass2'])
    await check(
      t,
      ctx,
      'fill',
      ['protocol=https', 'host=example.com', 'username=user-distinct-pass'],
      ['protocol=https', 'host=example.com', 'username=user-distinct-pass', 'password=pass1'],
    )
  })

  await t.test(`helper (${H}) can forget user`, async t => {
    await check(t, ctx, 'reject', ['protocol=https', 'host=example.com', 'username=user1'])
    await check(
      t,
      ctx,
      'fill',
      ['protocol=https', 'host=example.com', 'username=user1'],
      ['protocol=https', 'host=example.com', 'username=user1', 'password=askpass-password'],
      ["askpass: Password for 'https://user1@example.com':"],
    )
  })

  await t.test(`helper (${H}) remembers other user`, async t => {
    await check(
      t,
      ctx,
      'fill',
      ['protocol=https', 'host=example.com', 'username=user2'],
      ['protocol=https', 'host=example.com', 'username=user2', 'password=pass2'],
    )
  })

  await t.test(`helper (${H}) can store empty username`, async t => {
    await check(t, ctx, 'approve', ['protocol=https', 'host=sso.tld', 'username=', 'password='])
    await check(t, ctx, 'fill', ['protocol=https', 'host=sso.tld'], ['protocol=https', 'host=sso.tld', 'username=', 'password='])
  })

  await t.test(`helper (${H}) erases all matching credentials`, async t => {
    await check(t, ctx, 'approve', ['protocol=https', 'host=example.com', 'username=user-erase1', 'password=pass1'])
    await check(t, ctx, 'approve', ['protocol=https', 'host=example.com', 'username=user-erase2', 'password=pass1'])
    await check(t, ctx, 'reject', ['protocol=https', 'host=example.com'])
    await check(
      t,
      ctx,
      'fill',
      ['protocol=https', 'host=example.com'],
      ['protocol=https', 'host=example.com', 'username=askpass-username', 'password=askpass-password'],
      askBoth('https', 'example.com'),
    )
  })

  // GIT_TEST_LONG_CRED_BUFFER defaults to 1024; 23 bytes for "wwwauth[]=basic realm=" and NUL.
  const LONG_VALUE = 'a'.repeat(1024 - 23)
  const longHeader = `wwwauth[]=basic realm=${LONG_VALUE}host=victim.example.com`
  await t.test(`helper (${H}) not confused by long header`, async t => {
    await check(t, ctx, 'approve', ['protocol=https', 'host=victim.example.com', 'username=user', 'password=to-be-stolen'])
    // git < 2.41 neither passes wwwauth[] to helpers nor prints it back.
    const echoed = gitAtLeast(2, 41) ? [longHeader] : []
    await check(
      t,
      ctx,
      'fill',
      ['protocol=https', 'host=badguy.example.com', longHeader],
      ['protocol=https', 'host=badguy.example.com', 'username=askpass-username', 'password=askpass-password', ...echoed],
      askBoth('https', 'badguy.example.com'),
    )
    // So that the helper really reads the long line, also hand it over directly.
    const input: Attr[] = [
      ['protocol', 'https'],
      ['host', 'badguy.example.com'],
      ['wwwauth[]', longHeader.slice('wwwauth[]='.length)],
    ]
    expectAnswer(t, await helper(ctx, 'get', toInput(input)), input, [], 'get (direct) with the long header')
  })
}

/** helper_test_password_expiry_utc: git >= 2.41 carries it, so talk to the helper directly. */
async function helperTestPasswordExpiryUtc(t: Test, ctx: Ctx) {
  const H = HELPER
  const base: Attr[] = [
    ['protocol', 'https'],
    ['host', 'example.com'],
  ]
  await t.test(`helper (${H}) stores password_expiry_utc`, async t => {
    const input: Attr[] = [...base, ['username', 'user-expiry'], ['password', 'pass'], ['password_expiry_utc', '9999999999']]
    expectQuiet(t, await helper(ctx, 'store', toInput(input)), 'store')
  })

  await t.test(`helper (${H}) gets password_expiry_utc`, async t => {
    const input: Attr[] = [...base, ['username', 'user-expiry']]
    expectAnswer(t, await helper(ctx, 'get', toInput(input)), input, [
      ['username', 'user-expiry'],
      ['password', 'pass'],
      ['password_expiry_utc', '9999999999'],
    ])
  })

  await t.test(`helper (${H}) overwrites when password_expiry_utc changes`, async t => {
    const user: Attr = ['username', 'user-expiry-overwrite']
    expectQuiet(t, await helper(ctx, 'store', toInput([...base, user, ['password', 'pass1'], ['password_expiry_utc', '9999999998']])), 'store pass1')
    expectQuiet(t, await helper(ctx, 'store', toInput([...base, user, ['password', 'pass2'], ['password_expiry_utc', '9999999999']])), 'store pass2')
    const q: Attr[] = [...base, user]
    expectAnswer(t, await helper(ctx, 'get', toInput(q)), q, [user, ['password', 'pass2'], ['password_expiry_utc', '9999999999']])
    expectQuiet(t, await helper(ctx, 'erase', toInput([...base, user, ['password', 'pass2']])), 'erase pass2')
    expectAnswer(t, await helper(ctx, 'get', toInput(q)), q, [], 'get after erase')
  })
}

/** helper_test_oauth_refresh_token: git >= 2.41, so directly. */
async function helperTestOauthRefreshToken(t: Test, ctx: Ctx) {
  const H = HELPER
  const base: Attr[] = [
    ['protocol', 'https'],
    ['host', 'example.com'],
    ['username', 'user4'],
  ]
  await t.test(`helper (${H}) stores oauth_refresh_token`, async t => {
    expectQuiet(t, await helper(ctx, 'store', toInput([...base, ['password', 'pass'], ['oauth_refresh_token', 'xyzzy']])), 'store')
  })
  await t.test(`helper (${H}) gets oauth_refresh_token`, async t => {
    expectAnswer(t, await helper(ctx, 'get', toInput(base)), base, [
      ['username', 'user4'],
      ['password', 'pass'],
      ['oauth_refresh_token', 'xyzzy'],
    ])
  })
}

/** helper_test_authtype: capability[]/authtype/ephemeral need git >= 2.46, so directly. */
async function helperTestAuthtype(t: Test, ctx: Ctx) {
  const H = HELPER
  const capa: Attr = ['capability[]', 'authtype']
  const host: Attr[] = [
    ['protocol', 'https'],
    ['host', 'git.example.com'],
  ]
  const host2: Attr[] = [
    ['protocol', 'https'],
    ['host', 'git2.example.com'],
  ]

  await t.test(`helper (${H}) stores authtype and credential`, async t => {
    const input: Attr[] = [capa, ['authtype', 'Bearer'], ['credential', 'random-token'], ...host]
    expectQuiet(t, await helper(ctx, 'store', toInput(input)), 'store')
  })

  await t.test(`helper (${H}) gets authtype and credential`, async t => {
    const input: Attr[] = [capa, ...host]
    expectAnswer(t, await helper(ctx, 'get', toInput(input)), input, [capa, ['authtype', 'Bearer'], ['credential', 'random-token']])
  })

  await t.test(`helper (${H}) gets authtype and credential only if request has authtype capability`, async t => {
    const input: Attr[] = [...host]
    expectAnswer(t, await helper(ctx, 'get', toInput(input)), input, [], 'get without capability[]=authtype')
  })

  await t.test(`helper (${H}) stores authtype and credential with username`, async t => {
    const input: Attr[] = [capa, ['authtype', 'Bearer'], ['credential', 'other-token'], ...host, ['username', 'foobar']]
    expectQuiet(t, await helper(ctx, 'store', toInput(input)), 'store')
  })

  await t.test(`helper (${H}) gets authtype and credential with username`, async t => {
    const input: Attr[] = [capa, ...host, ['username', 'foobar']]
    expectAnswer(t, await helper(ctx, 'get', toInput(input)), input, [capa, ['authtype', 'Bearer'], ['credential', 'other-token'], ['username', 'foobar']])
  })

  await t.test(`helper (${H}) does not get authtype and credential with different username`, async t => {
    const input: Attr[] = [capa, ...host, ['username', 'barbaz']]
    expectAnswer(t, await helper(ctx, 'get', toInput(input)), input, [])
  })

  await t.test(`helper (${H}) does not store ephemeral authtype and credential`, async t => {
    const input: Attr[] = [capa, ['authtype', 'Bearer'], ['credential', 'git2-token'], ...host2, ['ephemeral', '1']]
    expectQuiet(t, await helper(ctx, 'store', toInput(input)), 'store ephemeral')
    const q: Attr[] = [capa, ...host2]
    expectAnswer(t, await helper(ctx, 'get', toInput(q)), q, [])
  })

  await t.test(`helper (${H}) does not store ephemeral username and password`, async t => {
    // `user=` (sic) is what git's suite sends: an unknown attribute.
    const input: Attr[] = [capa, ...host2, ['user', 'barbaz'], ['password', 'secret'], ['ephemeral', '1']]
    expectQuiet(t, await helper(ctx, 'store', toInput(input)), 'store ephemeral')
    const q: Attr[] = [capa, ...host2]
    expectAnswer(t, await helper(ctx, 'get', toInput(q)), q, [])
    // Not in git's suite: the same with a real `username=`, which the typo above never exercises.
    const withUser: Attr[] = [capa, ...host2, ['username', 'barbaz'], ['password', 'secret'], ['ephemeral', '1']]
    expectQuiet(t, await helper(ctx, 'store', toInput(withUser)), 'store ephemeral with username=')
    expectAnswer(t, await helper(ctx, 'get', toInput(q)), q, [], 'get after ephemeral store with username=')
  })
}

/** After the closing helper_test_clean, nothing the suite stored may be left. */
async function checkCleanedUp(t: Test, ctx: Ctx) {
  const queries: Attr[][] = [
    ...SUITE_USERS.map((u): Attr[] => [
      ['protocol', 'https'],
      ['host', 'example.com'],
      ['username', u],
    ]),
    [
      ['protocol', 'http'],
      ['host', 'path.tld'],
      ['path', 'foo.git'],
      ['username', 'user'],
    ],
    [
      ['protocol', 'https'],
      ['host', 'sso.tld'],
    ],
    [
      ['protocol', 'https'],
      ['host', 'victim.example.com'],
    ],
    [
      ['capability[]', 'authtype'],
      ['protocol', 'https'],
      ['host', 'git.example.com'],
    ],
    [
      ['capability[]', 'authtype'],
      ['protocol', 'https'],
      ['host', 'git.example.com'],
      ['username', 'foobar'],
    ],
  ]
  for (const q of queries) {
    expectAnswer(t, await helper(ctx, 'get', toInput(q)), q, [], `after cleanup: get ${q.map(a => a.join('=')).join(' ')}`)
  }
}

const modes: Array<{ title: string; terminalPrompt: string | undefined }> = [
  { title: 'git test-lib environment: GIT_ASKPASS set, GIT_TERMINAL_PROMPT unset, no terminal', terminalPrompt: undefined },
  { title: 'GIT_ASKPASS set, GIT_TERMINAL_PROMPT=0', terminalPrompt: '0' },
]

for (const mode of modes) {
  t.test(`t0303-credential-external, GIT_TEST_CREDENTIAL_HELPER=${HELPER} (${mode.title}; git ${gitVersion.join('.')})`, async t => {
    const ctx = context('t0303', mode.terminalPrompt)
    t.teardown(() => stopDaemon(ctx))
    // clean before the test in case there is cruft left over
    await t.test('helper_test_clean (before)', async t => {
      await helperTestClean(ctx)
      t.pass('cleaned (results are not checked, as in git)')
    })
    await helperTest(t, ctx)
    await helperTestPasswordExpiryUtc(t, ctx)
    await helperTestOauthRefreshToken(t, ctx)
    await helperTestAuthtype(t, ctx)
    await t.test('helper_test_clean (after) removes everything', async t => {
      await helperTestClean(ctx)
      await checkCleanedUp(t, ctx)
    })
  })
}

// --------------------------------------------------- the project's own cases

/** Host names unique to this run, so parallel test files sharing the keyring never collide. */
const tag = `${process.pid}-${Date.now().toString(36)}`
const hostFor = (what: string) => `${what}-${tag}.example.net`

t.test('acceptance', async t => {
  /** A fresh sandbox per case: GIT_TERMINAL_PROMPT=0 as the sandbox gives it, askpass for git fill. */
  const fresh = (name: string) => {
    const ctx = context(name, '0')
    t.teardown(() => stopDaemon(ctx))
    return ctx
  }
  const store = async (t: Test, ctx: Ctx, attrs: Attr[]) => expectQuiet(t, await helper(ctx, 'store', toInput(attrs)), `store ${show(attrs)}`)
  const erase = async (t: Test, ctx: Ctx, attrs: Attr[]) => expectQuiet(t, await helper(ctx, 'erase', toInput(attrs)), `erase ${show(attrs)}`)
  const get = async (t: Test, ctx: Ctx, attrs: Attr[], want: Attr[]) =>
    expectAnswer(t, await helper(ctx, 'get', toInput(attrs)), attrs, want, `get ${show(attrs)}`)
  const show = (attrs: Attr[]) =>
    attrs
      .filter(([k]) => k !== 'password')
      .map(a => a.join('='))
      .join(' ')

  await t.test('store then get keeps protocol, host, port, path and username', async t => {
    const ctx = fresh('scope')
    const H = hostFor('scope')
    const https: Attr = ['protocol', 'https']
    await store(t, ctx, [https, ['host', `${H}:8443`], ['path', 'group/repo.git'], ['username', 'alice'], ['password', 's1']])
    const alice: Attr[] = [
      ['username', 'alice'],
      ['password', 's1'],
    ]
    // the same request, with and without the username
    await get(t, ctx, [https, ['host', `${H}:8443`], ['path', 'group/repo.git'], ['username', 'alice']], alice)
    await get(t, ctx, [https, ['host', `${H}:8443`], ['path', 'group/repo.git']], alice)
    // `.git` and a trailing slash are ignored; hosts compare case-insensitively
    await get(t, ctx, [https, ['host', `${H}:8443`], ['path', 'group/repo']], alice)
    await get(t, ctx, [https, ['host', `${H}:8443`], ['path', 'group/repo/']], alice)
    await get(t, ctx, [https, ['host', `${H.toUpperCase()}:8443`], ['path', 'group/repo.git']], alice)
    // every other part must match
    await get(
      t,
      ctx,
      [
        ['protocol', 'http'],
        ['host', `${H}:8443`],
        ['path', 'group/repo.git'],
      ],
      [],
    )
    await get(t, ctx, [https, ['host', H], ['path', 'group/repo.git']], [])
    await get(t, ctx, [https, ['host', `${H}:443`], ['path', 'group/repo.git']], [])
    await get(t, ctx, [https, ['host', `${H}:8444`], ['path', 'group/repo.git']], [])
    await get(t, ctx, [https, ['host', `${H}.evil.net:8443`], ['path', 'group/repo.git']], [])
    await get(t, ctx, [https, ['host', `evil${H}:8443`], ['path', 'group/repo.git']], [])
    await get(t, ctx, [https, ['host', `${H}:8443`], ['path', 'group/other.git']], [])
    await get(t, ctx, [https, ['host', `${H}:8443`], ['path', 'group/repo-fork.git']], [])
    await get(t, ctx, [https, ['host', `${H}:8443`], ['path', 'group/repo/sub.git']], [])
    await get(t, ctx, [https, ['host', `${H}:8443`], ['path', 'group/repo.git'], ['username', 'bob']], [])

    // default ports: 443 = none for https, 80 = none for http; http only when stored for http
    const H2 = hostFor('ports')
    await store(t, ctx, [https, ['host', `${H2}:443`], ['username', 'u'], ['password', 'p443']])
    await get(
      t,
      ctx,
      [https, ['host', H2]],
      [
        ['username', 'u'],
        ['password', 'p443'],
      ],
    )
    await get(
      t,
      ctx,
      [
        ['protocol', 'http'],
        ['host', H2],
      ],
      [],
    )
    const H3 = hostFor('plain')
    await store(t, ctx, [
      ['protocol', 'http'],
      ['host', H3],
      ['username', 'u'],
      ['password', 'p80'],
    ])
    await get(
      t,
      ctx,
      [
        ['protocol', 'http'],
        ['host', `${H3}:80`],
      ],
      [
        ['username', 'u'],
        ['password', 'p80'],
      ],
    )
    await get(t, ctx, [https, ['host', H3]], [])

    // and end to end through git, from a clone URL
    const H4 = hostFor('url')
    const cfg = ['credential.useHttpPath=true']
    await check(t, ctx, 'approve', [`url=https://alice@${H4}:8443/group/repo.git`, 'password=s4'], [], [], cfg)
    await check(
      t,
      ctx,
      'fill',
      [`url=https://${H4}:8443/group/repo.git`],
      ['protocol=https', `host=${H4}:8443`, 'path=group/repo.git', 'username=alice', 'password=s4'],
      [],
      cfg,
    )
  })

  await t.test('several usernames on one host', async t => {
    const ctx = fresh('users')
    const H = hostFor('users')
    const base: Attr[] = [
      ['protocol', 'https'],
      ['host', H],
    ]
    for (const n of [1, 2, 3]) await store(t, ctx, [...base, ['username', `u${n}`], ['password', `p${n}`]])
    for (const n of [2, 1, 3]) {
      await get(
        t,
        ctx,
        [...base, ['username', `u${n}`]],
        [
          ['username', `u${n}`],
          ['password', `p${n}`],
        ],
      )
    }
    // without a username: one of them, username and password of the same token
    const r = await helper(ctx, 'get', toInput(base))
    t.equal(r.code, 0, 'get without username: exit 0')
    const got = Object.fromEntries(parseAnswer(r.stdout).attrs)
    t.ok(['u1', 'u2', 'u3'].includes(got.username ?? ''), `get without username returns one of the users (${got.username})`)
    t.equal(got.password, `p${(got.username ?? '').slice(1)}`, 'and that user’s password')
  })

  await t.test("get with a username returns only that user's token", async t => {
    const ctx = fresh('oneuser')
    const H = hostFor('oneuser')
    const base: Attr[] = [
      ['protocol', 'https'],
      ['host', H],
    ]
    await store(t, ctx, [...base, ['username', 'alice'], ['password', 'alice-secret']])
    await get(
      t,
      ctx,
      [...base, ['username', 'alice']],
      [
        ['username', 'alice'],
        ['password', 'alice-secret'],
      ],
    )
    await get(t, ctx, [...base, ['username', 'bob']], [])
    await get(t, ctx, [...base, ['username', 'Alice']], [])
    await get(t, ctx, [...base, ['username', '']], [])
    // and through git: git prompts only for bob's password
    await check(
      t,
      ctx,
      'fill',
      [`url=https://bob@${H}`],
      ['protocol=https', `host=${H}`, 'username=bob', 'password=askpass-password'],
      [`askpass: Password for 'https://bob@${H}':`],
    )
  })

  await t.test('reject with a different password erases nothing', async t => {
    const ctx = fresh('distinct')
    const H = hostFor('distinct')
    const base: Attr[] = [
      ['protocol', 'https'],
      ['host', H],
    ]
    const answer: Attr[] = [
      ['username', 'alice'],
      ['password', 'right'],
    ]
    await store(t, ctx, [...base, ...answer])
    await erase(t, ctx, [...base, ['username', 'alice'], ['password', 'wrong']])
    await get(t, ctx, base, answer)
    await erase(t, ctx, [...base, ['password', 'wrong']])
    await get(t, ctx, base, answer)
    await check(t, ctx, 'reject', [`url=https://alice@${H}/some/repo.git`, 'password=wrong'])
    await get(t, ctx, base, answer)
    // the right password does erase it
    await check(t, ctx, 'reject', [`url=https://alice@${H}`, 'password=right'])
    await get(t, ctx, base, [])
  })

  await t.test('reject erases every matching stored credential', async t => {
    const ctx = fresh('eraseall')
    const H = hostFor('eraseall')
    const O = hostFor('eraseall-other')
    const https: Attr = ['protocol', 'https']
    await store(t, ctx, [https, ['host', H], ['username', 'u1'], ['password', 'p1']])
    await store(t, ctx, [https, ['host', H], ['username', 'u2'], ['password', 'p2']])
    await store(t, ctx, [https, ['host', H], ['path', 'group/repo.git'], ['username', 'u5'], ['password', 'p5']])
    await store(t, ctx, [https, ['host', `${H}:8443`], ['username', 'u1'], ['password', 'p3']])
    await store(t, ctx, [https, ['host', O], ['username', 'u1'], ['password', 'p4']])
    await check(t, ctx, 'reject', ['protocol=https', `host=${H}`])
    await get(t, ctx, [https, ['host', H], ['username', 'u1']], [])
    await get(t, ctx, [https, ['host', H], ['username', 'u2']], [])
    await get(t, ctx, [https, ['host', H], ['path', 'group/repo.git'], ['username', 'u5']], [])
    await get(t, ctx, [https, ['host', H]], [])
    // what the request did not cover stays
    await get(
      t,
      ctx,
      [https, ['host', `${H}:8443`]],
      [
        ['username', 'u1'],
        ['password', 'p3'],
      ],
    )
    await get(
      t,
      ctx,
      [https, ['host', O]],
      [
        ['username', 'u1'],
        ['password', 'p4'],
      ],
    )
    // by username across paths
    await store(t, ctx, [https, ['host', O], ['path', 'a.git'], ['username', 'u1'], ['password', 'pa']])
    await store(t, ctx, [https, ['host', O], ['path', 'b.git'], ['username', 'u1'], ['password', 'pb']])
    await store(t, ctx, [https, ['host', O], ['path', 'b.git'], ['username', 'u2'], ['password', 'pc']])
    await erase(t, ctx, [https, ['host', O], ['username', 'u1']])
    await get(t, ctx, [https, ['host', O], ['username', 'u1']], [])
    await get(t, ctx, [https, ['host', O], ['path', 'a.git'], ['username', 'u1']], [])
    await get(t, ctx, [https, ['host', O], ['path', 'b.git'], ['username', 'u1']], [])
    await get(
      t,
      ctx,
      [https, ['host', O], ['path', 'b.git']],
      [
        ['username', 'u2'],
        ['password', 'pc'],
      ],
    )
  })

  await t.test('unknown attributes are ignored', async t => {
    const ctx = fresh('unknown')
    const H = hostFor('unknown')
    const base: Attr[] = [
      ['protocol', 'https'],
      ['host', H],
    ]
    const noise: Attr[] = [
      ['foo', 'bar'],
      ['x-future-thing', 'a=b=c'],
      ['Some_Key.v2', ''],
      ['unknown[]', 'one'],
      ['unknown[]', 'two'],
      ['wwwauth[]', 'Basic realm="GitLab"'],
      ['capability[]', 'some-future-capability'],
    ]
    await store(t, ctx, [...noise.slice(0, 3), ...base, ['username', 'alice'], ['password', 's'], ...noise.slice(3)])
    const answer: Attr[] = [
      ['username', 'alice'],
      ['password', 's'],
    ]
    await get(t, ctx, base, answer)
    await get(t, ctx, [...noise.slice(0, 4), ...base, ...noise.slice(4)], answer)
    // url= resets what came before it, as git's credential_from_url() does
    await get(
      t,
      ctx,
      [
        ['protocol', 'http'],
        ['host', 'other.invalid'],
        ['url', `https://${H}`],
      ],
      answer,
    )
    await get(
      t,
      ctx,
      [
        ['host', 'other.invalid'],
        ['username', 'mallory'],
        ['url', `https://${H}`],
      ],
      answer,
    )
    await get(t, ctx, [['url', `https://alice@${H}/some/repo.git`]], answer)
    // erase with noise still erases
    await erase(t, ctx, [...base, ['username', 'alice'], ...noise])
    await get(t, ctx, base, [])
  })

  await t.test('unknown operations are silently ignored', async t => {
    const ctx = fresh('unknownop')
    const H = hostFor('unknownop')
    const base: Attr[] = [
      ['protocol', 'https'],
      ['host', H],
    ]
    const answer: Attr[] = [
      ['username', 'alice'],
      ['password', 's'],
    ]
    await store(t, ctx, [...base, ...answer])
    const r = await helper(ctx, 'frobnicate', toInput([...base, ['username', 'alice']]))
    t.equal(r.code, 0, 'unknown operation: exit 0', { stderr: r.stderr })
    t.equal(r.stdout, '', 'unknown operation: nothing on stdout')
    t.equal(r.stderr, '', 'unknown operation: nothing on stderr')
    await get(t, ctx, base, answer)
  })

  await t.test('the path matters only when git sends it (credential.useHttpPath)', async t => {
    const ctx = fresh('usehttppath')
    const P1 = hostFor('nopath')
    const P2 = hostFor('withpath')
    const usePath = ['credential.useHttpPath=true']
    // Without useHttpPath git drops the path: the credential is for the whole host…
    await check(t, ctx, 'approve', [`url=https://${P1}/foo.git`, 'username=alice', 'password=s1'])
    await check(t, ctx, 'fill', [`url=https://${P1}/bar.git`], ['protocol=https', `host=${P1}`, 'username=alice', 'password=s1'])
    // …and so serves every repository there, also when git does send a path.
    await check(t, ctx, 'fill', [`url=https://${P1}/bar.git`], ['protocol=https', `host=${P1}`, 'path=bar.git', 'username=alice', 'password=s1'], [], usePath)
    // With useHttpPath the path is part of what is stored, and must match.
    await check(t, ctx, 'approve', [`url=https://${P2}/foo.git`, 'username=alice', 'password=s2'], [], [], usePath)
    await check(t, ctx, 'fill', [`url=https://${P2}/foo.git`], ['protocol=https', `host=${P2}`, 'path=foo.git', 'username=alice', 'password=s2'], [], usePath)
    await check(
      t,
      ctx,
      'fill',
      [`url=https://${P2}/bar.git`],
      ['protocol=https', `host=${P2}`, 'path=bar.git', 'username=askpass-username', 'password=askpass-password'],
      askBoth('https', `${P2}/bar.git`),
      usePath,
    )
    // The per-host form of the setting (what `add` of a path scope writes).
    await check(
      t,
      ctx,
      'fill',
      [`url=https://${P2}/foo.git`],
      ['protocol=https', `host=${P2}`, 'path=foo.git', 'username=alice', 'password=s2'],
      [],
      [`credential.https://${P2}.useHttpPath=true`],
    )
    // A repository token is never sent blind when git does not say which repository.
    await check(
      t,
      ctx,
      'fill',
      [`url=https://${P2}/foo.git`],
      ['protocol=https', `host=${P2}`, 'username=askpass-username', 'password=askpass-password'],
      askBoth('https', P2),
    )
  })

  await t.test('with no tokens, get prints nothing and exits 0', async t => {
    const ctx = fresh('empty')
    const input = 'protocol=https\nhost=example.com\n\n'
    // exactly as in the issue: `printf … | git-credential-pat get`, found on PATH
    const r = await run('git-credential-pat', ['get'], { cwd: ctx.sb.dir, env: ctx.sb.env, input })
    t.equal(r.code, 0, 'exit 0', { stderr: r.stderr })
    t.equal(r.stdout, '', 'nothing on stdout')
    t.equal(r.stderr, '', 'nothing on stderr')
    // nor with no terminal and no askpass, GIT_TERMINAL_PROMPT unset
    const env = { ...ctx.sb.env }
    delete env.GIT_TERMINAL_PROMPT
    const r2 = await run('git-credential-pat', ['get'], { cwd: ctx.sb.dir, env, input, detached: true })
    t.equal(r2.code, 0, 'no terminal: exit 0', { stderr: r2.stderr })
    t.equal(r2.stdout, '', 'no terminal: nothing on stdout')
    t.equal(r2.stderr, '', 'no terminal: nothing on stderr')
  })

  await t.test('malformed input: exit 1, one line on stderr, nothing on stdout, nothing changed', async t => {
    const ctx = fresh('malformed')
    const M = hostFor('malformed-kept')
    const S = hostFor('malformed-new')
    const kept: Attr[] = [
      ['protocol', 'https'],
      ['host', M],
    ]
    const keptAnswer: Attr[] = [
      ['username', 'alice'],
      ['password', 'kept-secret'],
    ]
    await store(t, ctx, [...kept, ...keptAnswer])
    const fresh_: Attr[] = [
      ['protocol', 'https'],
      ['host', S],
    ]
    const malformations: Array<{ what: string; make: (attrs: Attr[]) => string }> = [
      { what: 'a NUL byte', make: a => toInput(a) + 'x-note=a\0b\n' },
      { what: 'a NUL byte in a value git uses', make: a => toInput(a).replace(/^(username=[^\n]*)/m, '$1\0') },
      { what: 'a line of 65536 bytes', make: a => toInput(a) + 'x-note=' + 'a'.repeat(65536 - 'x-note='.length) + '\n' },
      { what: 'a line over 65535 bytes', make: a => toInput(a) + 'x-note=' + 'a'.repeat(70_000) + '\n' },
      { what: 'a value containing CR', make: a => toInput(a) + 'x-note=a\rb\n' },
      { what: 'CRLF line endings', make: a => toInput(a).replace(/\n/g, '\r\n') },
    ]
    const expectMalformed = (t: Test, r: RunResult, what: string) => {
      t.equal(r.code, 1, `${what}: exit 1`)
      t.equal(r.stdout, '', `${what}: nothing on stdout`)
      t.match(r.stderr, /^git-credential-pat:[^\n]*\n$/, `${what}: one line on stderr, prefixed`)
    }
    for (const m of malformations) {
      await t.test(m.what, async t => {
        expectMalformed(t, await helper(ctx, 'get', m.make([...kept, ['username', 'alice']])), 'get')
        expectMalformed(t, await helper(ctx, 'store', m.make([...fresh_, ['username', 'bob'], ['password', 'new-secret']])), 'store')
        await get(t, ctx, fresh_, [])
        expectMalformed(t, await helper(ctx, 'erase', m.make([...kept, ['username', 'alice']])), 'erase')
        await get(t, ctx, kept, keptAnswer)
      })
    }
    await t.test('a line of exactly 65535 bytes is well-formed', async t => {
      const line = 'x-note=' + 'a'.repeat(65535 - 'x-note='.length)
      const r = await helper(ctx, 'get', toInput(kept) + line + '\n')
      expectAnswer(t, r, kept, keptAnswer, 'get with a 65535-byte line')
    })
  })
})
