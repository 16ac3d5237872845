// `completion bash|zsh`: print the shell completion script. The scripts are
// yargs's own (they call `git-credential-pat --get-yargs-completions`, so the
// words offered come from the command definitions at run time); the bash one
// also completes `git credential-pat …`: git's completion
// (contrib/completion/git-completion.bash, __git_complete_command) calls
// _git_<command> with `-` as `_` once a file named git-<command> is loaded
// through bash-completion's _completion_loader.
import type { CommandModule } from 'yargs'
import { BASH_TEMPLATE, ZSH_TEMPLATE } from './completion-scripts.js'
import { ctxOf } from '../exit-code.js'

/** The hidden command yargs's completion hangs on (cli.ts); nobody types it. */
export const YARGS_COMPLETION = '__yargs-completion'

const GIT_BASH = `
# \`git credential-pat <TAB>\`: git's completion calls this with words/cword/cur set.
_git_credential_pat()
{
    local IFS=$'\\n'
    COMPREPLY=($(compgen -W "$(git-credential-pat --get-yargs-completions git-credential-pat "\${words[@]:2:cword-1}" 2>/dev/null)" -- "$cur"))
}
`

interface CompletionArgs {
  shell?: 'bash' | 'zsh'
}

export const completion: CommandModule<object, CompletionArgs> = {
  command: 'completion [shell]',
  describe: 'print the shell completion script (bash or zsh)',
  builder: y =>
    y
      .positional('shell', { choices: ['bash', 'zsh'] as const, describe: 'the shell to complete in (default: zsh if $SHELL names it, else bash)' })
      .example('# bash-completion loads it when needed', '')
      .example('$0 completion bash \\\n> ~/.local/share/bash-completion/completions/git-credential-pat', '')
      .example('# with fpath+=(~/.zfunc) before compinit in ~/.zshrc', '')
      .example('$0 completion zsh > ~/.zfunc/_git-credential-pat', '') as never,
  handler: args => {
    process.stdout.write(completionScript(args.shell ?? (/zsh/.test(ctxOf(args).env.SHELL ?? '') ? 'zsh' : 'bash')))
  },
}

/** yargs's script for the shell, plus git's hook for bash. */
export function completionScript(shell: 'bash' | 'zsh'): string {
  const name = 'git-credential-pat'
  // As yargs fills them in for scriptName(name) and completion(YARGS_COMPLETION).
  const text = (shell === 'bash' ? BASH_TEMPLATE : ZSH_TEMPLATE)
    .replace(/{{app_name}}/g, name)
    .replace(/{{completion_command}}/g, YARGS_COMPLETION)
    .replace(/{{app_path}}/g, name)
  return shell === 'bash' ? text + GIT_BASH : text
}
