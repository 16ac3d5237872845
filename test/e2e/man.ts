// The man page and completions, installed by install.sh
// into a sandbox PREFIX: `man git-credential-pat` and `git credential-pat
// --help` (git runs man for it) find a page that has a section for every
// command of the CLI (COMMAND_NAMES, so a command missing from the page
// fails here), every setting and environment variable the code reads, and
// the exit codes; bash completes `git credential-pat ro<TAB>`.
import t from 'tap'
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs'
import { join } from 'node:path'
import { bin, root, run } from './lib/env.js'
import { box } from './lib/cli.js'
import { COMMAND_NAMES } from '../../src/cli/cli.js'

const sb = box('man')
const prefix = join(sb.dir, 'prefix')
// PATH as a user has it after install.sh: the PREFIX link, not the checkout's bin/.
const env: NodeJS.ProcessEnv = {
  ...sb.env,
  PREFIX: prefix,
  PATH: [join(prefix, 'bin'), ...(process.env.PATH ?? '').split(':').filter(p => p !== join(root, 'bin'))].join(':'),
  MANPAGER: 'cat',
  PAGER: 'cat',
  MANWIDTH: '100',
}
delete env.MANPATH

const install = await run(join(root, 'install.sh'), ['--no-build', '--no-git-config'], { env, cwd: sb.dir })
t.equal(install.code, 0, install.stderr)

/** Every file under src/, for what the code reads. */
function sources(dir = join(root, 'src')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(d =>
    d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith('.ts') ? [readFileSync(join(dir, d.name), 'utf8')] : [],
  )
}

t.test('install.sh links the page and completions under PREFIX/share', async t => {
  t.equal(readlinkSync(join(prefix, 'bin', 'git-credential-pat')), bin, 'the #! launcher where the build made one, else bin/')
  t.equal(readlinkSync(join(prefix, 'share/man/man1/git-credential-pat.1')), join(root, 'dist/man/git-credential-pat.1'))
  t.ok(existsSync(join(prefix, 'share/bash-completion/completions/git-credential-pat')))
  t.match(readFileSync(join(prefix, 'share/zsh/site-functions/_git-credential-pat'), 'utf8'), /^#compdef git-credential-pat\n/)
  const again = await run(join(root, 'install.sh'), ['--no-build', '--no-git-config'], { env, cwd: sb.dir })
  t.equal(again.code, 0, 'idempotent')
})

t.test('man finds it through PATH; every command, setting, variable and exit code is in it', async t => {
  const where = await run('man', ['-w', 'git-credential-pat'], { env })
  t.equal(where.code, 0, where.stderr)
  t.equal(where.stdout.trim(), realpathSync(join(prefix, 'share/man/man1/git-credential-pat.1')), 'the linked page')
  // man searches PREFIX/share/man because PREFIX/bin is on PATH (manpath(5)), and not otherwise.
  // (man -w resolves links, so a system-wide install of this checkout, as CI's install.sh makes
  // as root under /usr/local, names the same file.)
  const dirs = async (PATH: string | undefined) => (await run('manpath', ['-q'], { env: { ...env, PATH } })).stdout.trim().split(':')
  t.ok((await dirs(env.PATH)).includes(join(prefix, 'share/man')), 'PREFIX/share/man is searched with PREFIX/bin on PATH')
  t.notOk((await dirs(process.env.PATH)).includes(join(prefix, 'share/man')), 'and not without it')
  const page = await run('man', ['git-credential-pat'], { env })
  t.equal(page.code, 0, page.stderr)
  const text = page.stdout
  for (const name of COMMAND_NAMES.filter(n => n !== 'help')) t.match(text, new RegExp(`^ {3}git-credential-pat ${name}$`, 'm'), `section for ${name}`)
  t.match(text, /^ {3}git-credential-pat daemon stop$/m, 'subcommands too')
  t.match(text, /--unset/, "setup's options are the --help text")
  const src = sources().join('\n')
  const vars = new Set(src.match(/GIT_CREDENTIAL_PAT_[A-Z_]+/g))
  const keys = new Set(
    [...src.matchAll(/credential\.pat\.([A-Za-z]+)|credential\.<url>\.(pat[A-Za-z]+)/g)].map(m =>
      m[1] ? `credential.pat.${m[1]}` : `credential.<url>.${m[2]}`,
    ),
  )
  t.ok(vars.size > 3 && keys.size > 3, 'found what the code reads')
  const lower = text.toLowerCase()
  for (const v of vars) t.match(text, v, `ENVIRONMENT names ${v}`)
  for (const k of keys) t.ok(lower.includes(k.toLowerCase()), `CONFIGURATION names ${k}`)
  for (const code of ['0', '1', '2', '130']) t.match(text, new RegExp(`^ {7}${code} {2,}\\S`, 'm'), `exit status ${code}`)
})

t.test('git credential-pat --help shows the page (git runs man git-credential-pat)', async t => {
  const r = await run('git', ['credential-pat', '--help'], { env, cwd: sb.dir })
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, /GIT-CREDENTIAL-PAT\(1\)/)
  t.match(r.stdout, /^EXIT STATUS$/m)
})

t.test('bash completes git-credential-pat and git credential-pat', async t => {
  const gitCompletion = '/usr/share/bash-completion/completions/git'
  const file = join(prefix, 'share/bash-completion/completions/git-credential-pat')
  const direct = await run(
    'bash',
    ['-c', `source ${file}; COMP_WORDS=(git-credential-pat ro); COMP_CWORD=1; _git-credential-pat_yargs_completions; echo "\${COMPREPLY[*]}"`],
    { env },
  )
  t.equal(direct.stdout.trim(), 'rotate', direct.stderr)
  // git's own completion ships with Debian's git package (install.sh installs git).
  t.ok(existsSync(gitCompletion), "git's bash completion is installed")
  const viaGit = await run(
    'bash',
    [
      '-c',
      `source ${gitCompletion}; source ${file}; COMP_WORDS=(git credential-pat setup --un); COMP_CWORD=3; COMP_LINE="\${COMP_WORDS[*]}"; COMP_POINT=\${#COMP_LINE}; __git_wrap__git_main; echo "\${COMPREPLY[*]}"`,
    ],
    { env },
  )
  t.equal(viaGit.stdout.trim(), '--unset', viaGit.stderr)
})

t.test('the page reads in a POSIX locale: ASCII only, no troff warnings, its own manual name', async t => {
  const page = readFileSync(join(root, 'dist/man/git-credential-pat.1'), 'utf8')
  t.notMatch(page, /[^\x00-\x7f]/, 'plain ASCII')
  const r = await run('man', ['git-credential-pat'], { env: { ...env, LC_ALL: 'C', LANG: 'C', MANWIDTH: '80' } })
  t.equal(r.code, 0)
  t.equal(r.stderr, '', 'no "can\'t find special character" from troff')
  t.match(r.stdout.split('\n')[0], /^GIT-CREDENTIAL-PAT\(1\) +git-credential-pat manual +GIT-CREDENTIAL-PAT\(1\)$/)
  t.notMatch(r.stdout, /Git Manual/)
  t.notOk(
    r.stdout.split('\n').some(l => l.length > 80),
    'within 80 columns',
  )
  // Examples are whole command lines to copy: a comment, a command, or the
  // continuation of one ending in \\, | or &&; never two narrow columns.
  const blocks = [...r.stdout.matchAll(/^ +Examples:\n([\s\S]*?)\n\n/gm)].map(m => m[1].split('\n').map(l => l.trim()))
  t.ok(blocks.length >= 10, `examples of ${blocks.length} commands`)
  for (const lines of blocks) {
    lines.forEach((l, i) => {
      const ok = l.startsWith('# ') || /^([A-Z_]+=\S* )*(git-credential-pat|git|printf) /.test(l) || /(\\|\||&&)$/.test(lines[i - 1] ?? '')
      t.ok(ok, `an example line that reads alone: ${l}`)
    })
  }
})

t.test('completion bash|zsh prints what install.sh installs', async t => {
  for (const [shell, file] of [
    ['bash', 'share/bash-completion/completions/git-credential-pat'],
    ['zsh', 'share/zsh/site-functions/_git-credential-pat'],
  ]) {
    const r = await run('git-credential-pat', ['completion', shell], { env })
    t.equal(r.code, 0, r.stderr)
    t.equal(r.stdout, readFileSync(join(prefix, file), 'utf8'), shell)
  }
  const bad = await run('git-credential-pat', ['completion', 'fish'], { env })
  t.equal(bad.code, 2)
})
