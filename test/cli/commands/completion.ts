// `completion bash|zsh` prints yargs's own scripts, kept in
// src/cli/commands/completion-scripts.ts so that naming the shell needs no
// change to $SHELL: held here to what yargs itself prints for that shell.
import t from 'tap'
import yargs from 'yargs'
import { completionScript, YARGS_COMPLETION } from '../../../src/cli/commands/completion.js'

/** yargs's script as it prints it with $SHELL naming `shell` (yargs reads it when the parser is made). */
function yargsScript(shell: 'bash' | 'zsh'): string {
  const saved = process.env.SHELL
  const out: string[] = []
  const log = console.log
  console.log = (...a: unknown[]) => void out.push(a.join(' '))
  process.env.SHELL = `/bin/${shell}`
  try {
    yargs([]).scriptName('git-credential-pat').completion(YARGS_COMPLETION, false).showCompletionScript()
  } finally {
    console.log = log
    if (saved === undefined) delete process.env.SHELL
    else process.env.SHELL = saved
  }
  return out.join('\n').trimEnd() + '\n'
}

t.test("each shell's script is yargs's, and $SHELL is left alone", async t => {
  const saved = process.env.SHELL
  process.env.SHELL = '/bin/zsh'
  t.teardown(() => {
    if (saved === undefined) delete process.env.SHELL
    else process.env.SHELL = saved
  })
  const bash = completionScript('bash')
  t.ok(bash.startsWith(yargsScript('bash')), 'bash: yargs’s script, whatever $SHELL says')
  t.match(bash.slice(yargsScript('bash').length), /^\n# `git credential-pat <TAB>`[\s\S]*_git_credential_pat\(\)/, "then git's hook")
  t.equal(completionScript('zsh'), yargsScript('zsh'))
  t.match(completionScript('zsh'), /^#compdef git-credential-pat\n/)
  t.equal(process.env.SHELL, '/bin/zsh')
})
