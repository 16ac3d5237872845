#!/usr/bin/env node
// Build the shell completion files, run by `npm run build`
// after tsc: dist/completion/git-credential-pat (bash) and
// dist/completion/_git-credential-pat (zsh, an autoload function file).
// Both are what `git-credential-pat completion bash|zsh` prints
// (src/cli/commands/completion.ts), so the files and the command agree.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'

const root = fileURLToPath(new URL('..', import.meta.url))

const { completionScript } = await import(join(root, 'dist/cli/commands/completion.js'))
const bash = completionScript('bash')
const zsh = completionScript('zsh')
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
