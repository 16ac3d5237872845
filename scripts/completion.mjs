#!/usr/bin/env node
// Build the shell completion files (issue 13 item 9), run by `npm run build`
// after tsc: dist/completion/git-credential-pat (bash) and
// dist/completion/_git-credential-pat (zsh, an autoload function file).
// Both are yargs's own scripts, printed by the CLI's `completion` command,
// so the words they offer come from the yargs definitions at run time.
// The bash file also completes `git credential-pat …`: git's completion
// (contrib/completion/git-completion.bash, __git_complete_command) loads a
// file named git-<command> through bash-completion's _completion_loader and
// calls _git_<command> with `-` as `_`; we answer through yargs alike.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'

const root = fileURLToPath(new URL('..', import.meta.url))

const GIT_BASH = `
# \`git credential-pat <TAB>\`: git's completion calls this with words/cword/cur set.
_git_credential_pat()
{
    local IFS=$'\\n'
    COMPREPLY=($(compgen -W "$(git-credential-pat --get-yargs-completions git-credential-pat "\${words[@]:2:cword-1}" 2>/dev/null)" -- "$cur"))
}
`

/** What `git-credential-pat completion` prints for a shell (yargs picks zsh when $SHELL names it). */
async function script(runCli, shell) {
  const out = []
  const log = console.log
  const saved = process.env.SHELL
  console.log = (...a) => void out.push(a.join(' '))
  process.env.SHELL = shell
  try {
    const code = await runCli(['completion'])
    if (code !== 0) throw new Error(`completion exited ${code}`)
  } finally {
    console.log = log
    process.env.SHELL = saved
  }
  return out.join('\n').trimEnd() + '\n'
}

const { runCli } = await import(join(root, 'dist/cli/cli.js'))
const bash = (await script(runCli, '/bin/bash')) + GIT_BASH
const zsh = await script(runCli, '/bin/zsh')
if (!/complete .*-F _git-credential-pat_yargs_completions git-credential-pat/.test(bash)) throw new Error('unexpected bash completion script')
if (!zsh.startsWith('#compdef git-credential-pat')) throw new Error('unexpected zsh completion script')
const dir = join(root, 'dist', 'completion')
mkdirSync(dir, { recursive: true })
for (const [name, text] of [
  ['git-credential-pat', bash],
  ['_git-credential-pat', zsh],
]) {
  writeFileSync(join(dir, `${name}.tmp`), text)
  renameSync(join(dir, `${name}.tmp`), join(dir, name))
}
process.exit(0) // the CLI's modules may hold handles open
