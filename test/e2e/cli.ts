// The management CLI end to end: the built binary against
// the real throwaway keyring. Each test has its own sandbox, whose keychain
// service is its own. rotate/enable/disable/remove, setup, doctor, the
// no-secret proof and provisioning have their own files (manage.ts,
// setup.ts, doctor.ts, no-secrets.ts, provision.ts).
import t from 'tap'
import { run } from './lib/env.js'
import { box, get, listJson, ok, onTty, showJson } from './lib/cli.js'

t.test('add, then list --json and show --json give every field as given', async t => {
  const sb = box('add')
  const r = await ok(
    sb,
    [
      'add',
      'https://gitlab.example.com/group/app.git',
      '--token-stdin',
      '--name',
      'laptop-app',
      '--expires',
      '2099-01-31',
      '--access',
      'read',
      '--description',
      'deploy key for app',
    ],
    'glpat-addtestsecret00000001',
  )
  t.match(r.stdout, /added token 'laptop-app' for gitlab\.example\.com\/group\/app \(user oauth2, expires 2099-01-31\)/)
  t.match(r.stdout, /useHttpPath/, 'a repository scope sets useHttpPath and says so')
  const list = await listJson(sb)
  t.equal(list.length, 1)
  t.match(list[0], {
    name: 'laptop-app',
    scope: 'gitlab.example.com/group/app',
    username: 'oauth2',
    provider: 'gitlab',
    expires: '2099-01-31T00:00:00.000Z',
    access: 'read',
    description: 'deploy key for app',
    state: 'active',
    source: 'keychain',
    origin: 'add',
  })
  t.ok(Date.now() - Date.parse(list[0].created) < 60_000, 'created is now')
  t.same(await showJson(sb, 'laptop-app'), list[0], 'show --json is the list entry')
  const shown = await ok(sb, ['show', 'laptop-app'])
  for (const want of [
    /^name\s+laptop-app$/m,
    /^scope\s+gitlab\.example\.com\/group\/app$/m,
    /^username\s+oauth2$/m,
    /^provider\s+gitlab$/m,
    /^expires\s+2099-01-31 \(in /m,
    /^access\s+read$/m,
    /^description\s+deploy key for app$/m,
    /^source\s+keychain$/m,
    /^state\s+active$/m,
    /^rotated\s+never$/m,
    /^last used\s+never$/m,
  ]) {
    t.match(shown.stdout, want)
  }
  t.same(await get(sb, 'https://gitlab.example.com/group/app.git'), {
    username: 'oauth2',
    password: 'glpat-addtestsecret00000001',
    password_expiry_utc: String(Date.parse('2099-01-31') / 1000),
  })
  const missing = await sb.pat(['show', 'nope'])
  t.equal(missing.code, 1)
  t.match(missing.stderr, /^git-credential-pat: no token named 'nope'/)
})

t.test('add: default usernames and names per forge', async t => {
  const sb = box('defaults')
  const host = (await run('hostname', [])).stdout.trim().split('.')[0]
  const cases: [string, string, string][] = [
    ['gitlab.com', 'oauth2', 'gitlab'],
    ['foss.heptapod.net', 'oauth2', 'gitlab'],
    ['github.com/acme/app', 'x-access-token', 'github'],
    ['bitbucket.org/ws/repo', 'x-token-auth', 'bitbucket'],
  ]
  for (const [scope] of cases) await ok(sb, ['add', scope, '--token-stdin'], `secret-for-${scope}`)
  const list = await listJson(sb)
  for (const [scope, username, provider] of cases) {
    const tok = list.find(x => x.scope === scope)
    // The default name follows the scope: host, path segments, machine.
    t.match(tok, { username, provider, name: `${scope.split('/').join('-')}-${host}` }, scope)
  }
  for (const scope of ['codeberg.org', 'git.launchpad.net/~team/proj', 'gitea.com']) {
    const r = await sb.pat(['add', scope, '--token-stdin'], { input: 'x-secret-value' })
    t.equal(r.code, 2, `${scope} needs a username`)
    t.match(r.stderr, /needs your account name as username: add --username NAME/)
  }
  await ok(sb, ['add', 'codeberg.org', '--token-stdin', '--username', 'alice'], 'codeberg-secret')
  t.match(await showJson(sb, `codeberg.org-${host}`), { username: 'alice', provider: 'gitea' })
  const lp = await ok(sb, ['add', 'git.launchpad.net/~team/proj', '--token-stdin', '--username', 'bob', '--name', 'lp'], 'lp-secret')
  t.match(lp.stdout, /user bob/)
  t.match(await showJson(sb, 'lp'), { provider: 'launchpad', username: 'bob' })
})

t.test('add on a terminal: asks the Gitea username, then the token without echo', async t => {
  const sb = box('tty-add')
  const secret = 'tty-typed-secret-7f3a9c'
  const r = await onTty(
    sb,
    ['add', 'codeberg.org/alice/*', '--name', 'cb'],
    [
      { after: /Username on codeberg\.org/, text: 'alice\r' },
      { after: /Token for codeberg\.org\/alice\/\* \(input hidden\)/, text: `${secret}\r` },
    ],
  )
  t.equal(r.code, 0, 'exit 0', { screen: r.screen })
  t.match(r.screen, /alice/, 'the username is echoed')
  t.notMatch(r.screen, secret, 'the token is not')
  t.match(await showJson(sb, 'cb'), { username: 'alice', scope: 'codeberg.org/alice/*' })
  t.equal((await get(sb, 'https://codeberg.org/alice/x')).password, secret)
})

t.test('add refuses tokens on the command line and taken names', async t => {
  const sb = box('refuse')
  const secret = 'glpat-ArgvSecret0000000001'
  for (const args of [
    ['add', 'gitlab.com', secret],
    ['add', secret],
    ['add', 'gitlab.com', '--token', secret],
    ['add', 'gitlab.com', `--password=${secret}`],
  ]) {
    const r = await sb.pat(args, { input: 'whatever' })
    t.equal(r.code, 2, args.join(' '))
    t.match(r.stderr, /tokens are never taken from the command line/)
    t.notMatch(r.stderr + r.stdout, secret)
  }
  t.same(await listJson(sb), [], 'nothing saved')

  await ok(sb, ['add', 'gitlab.com', '--token-stdin', '--name', 'gl'], 'first-secret-1')
  const dup = await sb.pat(['add', 'gitlab.com/x/*', '--token-stdin', '--name', 'gl'], { input: 'second-secret-2' })
  t.equal(dup.code, 1)
  // Replacing is never suggested for a token of another scope.
  t.match(dup.stderr, /a token named 'gl' exists for another scope, gitlab\.com; choose another --name, or leave --name out for a free one/)
  t.equal((await get(sb, 'https://gitlab.com/a/b')).password, 'first-secret-1', 'the first one is untouched')
  await ok(sb, ['add', 'gitlab.com/x/*', '--token-stdin', '--name', 'gl', '--force'], 'second-secret-2')
  t.match(await listJson(sb), [{ name: 'gl', scope: 'gitlab.com/x/*' }])
  t.equal((await get(sb, 'https://gitlab.com/x/y')).password, 'second-secret-2')
})

t.test('list marks expired and soon-expiring rows, without colour off a terminal', async t => {
  const sb = box('marks')
  const soon = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10)
  // A past expiry is a usage error, unless --force records a token known to be expired.
  const refused = await sb.pat(['add', 'old.example.com', '--token-stdin', '--username', 'u', '--expires', '2020-01-01', '--name', 'old'], { input: 's1' })
  t.equal(refused.code, 2, 'usage error')
  t.match(refused.stderr, /--expires '2020-01-01' is in the past/)
  t.equal(refused.stderr.trim().split('\n').length, 1, 'one line')
  t.same(await listJson(sb), [], 'nothing saved')
  const r = await ok(sb, ['add', 'old.example.com', '--token-stdin', '--username', 'u', '--expires', '2020-01-01', '--name', 'old', '--force'], 's1')
  t.match(r.stdout, /that expiry is in the past/)
  await ok(sb, ['add', 'soon.example.com', '--token-stdin', '--username', 'u', '--expires', soon, '--name', 'soon'], 's2')
  await ok(sb, ['add', 'fine.example.com', '--token-stdin', '--username', 'u', '--expires', '90d', '--name', 'fine'], 's3')
  await ok(sb, ['add', 'never.example.com', '--token-stdin', '--username', 'u', '--name', 'unknown'], 's4')
  const out = (await ok(sb, ['list'])).stdout
  const row = (name: string) => out.split('\n').find(l => new RegExp(`^. +${name} `).test(l)) ?? ''
  t.match(row('old'), /^! +old .*expired/)
  t.match(row('soon'), /^\* +soon /)
  t.match(row('fine'), /^  +fine /)
  t.match(row('unknown'), /^  +unknown .*unknown/)
  t.match(out, /^! expired: never sent/m)
  t.match(out, /^\* expires within 7 days/m)
  t.notMatch(out, /\x1b\[/, 'no colour into a pipe')
  t.ok(
    out.indexOf('fine.example.com') < out.indexOf('never.example.com') && out.indexOf('never.example.com') < out.indexOf('old.example.com'),
    'sorted by scope',
  )
  const json = await listJson(sb)
  t.same(
    json.map(x => x.name),
    ['fine', 'unknown', 'old', 'soon'],
    'json sorted by scope too',
  )

  const tty = await onTty(sb, ['list'], [])
  t.match(tty.screen, /\x1b\[31m/, 'colour on a terminal')
  const noColour = await onTty(sb, ['list'], [], { NO_COLOR: '1' })
  t.notMatch(noColour.screen, /\x1b\[3\d?m/, 'never with NO_COLOR')
  t.match(noColour.screen, /! +old/)
})

t.test('completion: the script, command names and token names', async t => {
  const sb = box('completion')
  const script = await ok(sb, ['completion'])
  t.match(script.stdout, /_git-credential-pat_yargs_completions/)
  t.match(script.stdout, /--get-yargs-completions/)
  t.match(script.stdout, /complete .* git-credential-pat/)
  const cmds = (await ok(sb, ['--get-yargs-completions', 'git-credential-pat', ''])).stdout.split('\n')
  for (const c of ['add', 'list', 'show', 'rotate', 'enable', 'disable', 'remove', 'setup', 'doctor', 'completion']) t.ok(cmds.includes(c), c)
  await ok(sb, ['add', 'gitlab.example.com', '--token-stdin', '--name', 'alpha'], 'a')
  await ok(sb, ['add', 'gitlab.example.com', '--token-stdin', '--name', 'beta'], 'b')
  const names = await ok(sb, ['--get-yargs-completions', 'git-credential-pat', 'rotate', ''])
  t.same(names.stdout.trim().split('\n').sort(), ['alpha', 'beta'])
  const partial = await ok(sb, ['--get-yargs-completions', 'git-credential-pat', 'show', 'be'])
  t.same(partial.stdout.trim().split('\n'), ['beta'])
  const flags = await ok(sb, ['--get-yargs-completions', 'git-credential-pat', 'add', '--'])
  t.match(flags.stdout, /--token-stdin/)
  // A bash session using the script completes `git-credential-pat ro<TAB>`.
  const bash = await run(
    'bash',
    [
      '-c',
      `source <(git-credential-pat completion) && COMP_WORDS=(git-credential-pat ro) COMP_CWORD=1 && _git-credential-pat_yargs_completions && printf '%s\\n' "\${COMPREPLY[@]}"`,
    ],
    { env: sb.env, cwd: sb.dir },
  )
  t.equal(bash.stdout.trim(), 'rotate', bash.stderr)
})

t.test('help, usage errors and `git credential-pat`', async t => {
  const sb = box('help')
  const cmds = ['add', 'list', 'show', 'rotate', 'enable', 'disable', 'remove', 'setup', 'doctor']
  const helps = await Promise.all(cmds.map(cmd => ok(sb, [cmd, '--help'])))
  cmds.forEach((cmd, i) => {
    t.match(helps[i].stdout, new RegExp(`git-credential-pat ${cmd}`), `${cmd} --help`)
    t.match(helps[i].stdout, /Examples:/, `${cmd} has examples`)
  })
  const unknown = await sb.pat(['list', '--bogus'])
  t.equal(unknown.code, 2)
  t.match(unknown.stderr, /^git-credential-pat: Unknown argument: bogus\b[^\n]*\n$/)
  await ok(sb, ['add', 'gitlab.example.com', '--token-stdin', '--name', 'via-git'], 'sss')
  const viaGit = await sb.git(['credential-pat', 'show', 'via-git', '--json'])
  t.equal(viaGit.code, 0, viaGit.stderr)
  t.equal(JSON.parse(viaGit.stdout).name, 'via-git', 'git credential-pat runs the same command')
  const viaGitErr = await sb.git(['credential-pat', 'show', 'nope'])
  t.equal(viaGitErr.code, 1)
})
