// `import --from-git-credentials [FILE]`: git's `store`
// helper keeps every token in plaintext. Each of its http(s) lines becomes a
// keychain token scoped as git stored it; once the keychain holds it (read
// back), the line may leave the file (--remove-plaintext, or yes at the
// terminal, asked once the moved ones are listed), and then the `store`
// helper may leave git config (--remove-other-helpers, or yes), so git
// stops writing the file again. --dry-run says all this and does none of it.
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { PatError } from '../../errors.js'
import { parseGitCredentials, type StoredCredential } from '../../core/git-credentials.js'
import { guessProvider, isProvider } from '../../core/providers.js'
import { credentialStoreFile, migrateCredentials, removeStoredLines, type MigrationResult } from '../../state/git-credentials.js'
import { findOtherHelpers, removeOtherHelpers, describeOther, type OtherHelper } from '../../gitconfig/other-helpers.js'
import { readMetadata } from '../../state/tokens.js'
import { statePaths } from '../../state/paths.js'
import { effectiveHelpers, isOurs, readHelperEntries } from '../../gitconfig/helper-list.js'
import { ensureHelperFirst } from '../../gitconfig/helper-edit.js'
import { configGetUrlmatch } from '../../gitconfig/run.js'
import { ensureUseHttpPath } from '../../gitconfig/use-http-path.js'
import { openTerminal } from '../../prompt/tty.js'
import { say } from '../../log/stderr.js'
import { out } from '../out.js'
import { originOf, parseScope } from '../../core/scope.js'

export interface GitCredentialsArgs {
  file?: string
  dryRun?: boolean
  removePlaintext?: boolean
  removeOtherHelpers?: boolean
  keepOtherHelpers?: boolean
}

/** Each line of the report as it happens: what moved is on screen before the question about removing it. */
const toStdout = (line: string) => out(line + '\n')

export async function importGitCredentials(args: GitCredentialsArgs, env: NodeJS.ProcessEnv, now: Date, print = toStdout): Promise<number> {
  const stores = findOtherHelpers(env).filter(h => h.kind === 'plaintext')
  const file = args.file
    ? resolve(args.file)
    : credentialStoreFile(
        stores.map(h => h.value),
        env,
        existsSync,
      )
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new PatError('USAGE', `cannot read ${file} (${code}); name git's credential file: import --from-git-credentials FILE`)
  }
  const { entries, skipped } = parseGitCredentials(text)
  for (const s of skipped) say(`${file}:${s.line}: left as it is: ${s.why}`)
  if (!entries.length) {
    print(`nothing to move: ${file} holds no http(s) credentials`)
    return 0
  }
  if (args.dryRun) {
    dryRun(entries, file, stores, env).forEach(l => print(l))
    return 0
  }

  const result = await migrateCredentials(entries, { file, providerOf: c => providerFor(c, env), now, env })
  for (const m of result.migrated)
    print(
      m.fresh
        ? `moved ${m.entry.scope} (user ${m.entry.username}) into the keychain as '${m.name}'`
        : `${m.entry.scope} (user ${m.entry.username}) is already in the keychain as '${m.name}'`,
    )
  reportKept(result, file)
  ensureUseHttpPath(
    result.migrated.map(m => m.entry.scope),
    env,
    now,
  ).forEach(l => print(l))
  if (result.migrated.length) (await settlePlaintext(args, file, result)).forEach(l => print(l))
  // Only once everything is in the keychain: the store helper may still be needed for the rest.
  if (!result.kept.length && stores.length) (await settleStoreHelper(args, env)).forEach(l => print(l))
  return result.kept.length ? 1 : 0
}

/**
 * What a run would do, from the file and the metadata alone: no keychain
 * read or write, nothing removed. A credential whose scope and user a
 * keychain token already serves is checked against that token's secret by
 * the real run (moved if it is the same, else kept).
 */
function dryRun(entries: readonly StoredCredential[], file: string, stores: readonly OtherHelper[], env: NodeJS.ProcessEnv): string[] {
  const tokens = readMetadata(statePaths(env).metadata).tokens
  const lines = entries.map(c => {
    const same = tokens.find(t => t.scope === c.scope && t.username === c.username && t.source === 'keychain')
    return same
      ? `would compare ${c.scope} (user ${c.username}) with token '${same.name}', which serves it already`
      : `would move ${c.scope} (user ${c.username}) into the keychain`
  })
  const n = entries.length
  lines.push(`would then remove ${n} line${n === 1 ? '' : 's'} from ${file} (asked first, or --remove-plaintext)`)
  for (const h of stores) lines.push(`would then remove ${describeOther(h)} (asked first, or --remove-other-helpers)`)
  lines.push('dry run: nothing was changed')
  return lines
}

function providerFor(c: StoredCredential, env: NodeJS.ProcessEnv): string {
  const configured = configGetUrlmatch('credential.patProvider', originOf(parseScope(c.scope)), env)
  return configured && isProvider(configured) ? configured : guessProvider(c.host)
}

/** One line per reason a credential stayed in the file (never its secret). */
function reportKept(result: MigrationResult, file: string): void {
  const byWhy = new Map<string, number[]>()
  for (const k of result.kept) byWhy.set(k.why, [...(byWhy.get(k.why) ?? []), k.entry.line])
  for (const [why, nums] of byWhy) say(`not moved (${file} line${nums.length > 1 ? 's' : ''} ${nums.join(', ')} kept): ${why}`)
}

async function settlePlaintext(args: GitCredentialsArgs, file: string, result: MigrationResult): Promise<string[]> {
  const n = result.migrated.length
  const remove = args.removePlaintext || (await yes(`Remove the ${n} moved credential${n === 1 ? '' : 's'} from ${file} (plaintext)? [Y/n] `))
  if (!remove) {
    say(
      `the moved credentials are still in ${file} too; to remove them: git-credential-pat import --from-git-credentials ${args.file ? `${file} ` : ''}--remove-plaintext`,
    )
    return []
  }
  const { removed, fileRemoved } = removeStoredLines(
    file,
    result.migrated.map(m => m.entry.text),
  )
  return [`removed ${removed} line${removed === 1 ? '' : 's'} from ${file}${fileRemoved ? ', and the file, now empty' : ''}`]
}

/**
 * git's `store` helper would write every token git uses back into the file.
 * It goes from the global and local config files with a yes (or
 * --remove-other-helpers; removeOtherHelpers takes `cache` entries too); if
 * no pat helper is left, setup's edit puts one in.
 */
async function settleStoreHelper(args: GitCredentialsArgs, env: NodeJS.ProcessEnv): Promise<string[]> {
  const stores = findOtherHelpers(env).filter(h => h.kind === 'plaintext')
  const remove =
    args.removeOtherHelpers || (!args.keepOtherHelpers && (await yes("Remove git's store helper from your git config, so git stops writing the file? [Y/n] ")))
  if (!remove) {
    for (const h of stores) say(`git still asks ${describeOther(h)}; to remove it: git-credential-pat setup --remove-other-helpers`)
    return []
  }
  const lines: string[] = []
  const files = new Set(stores.filter(h => (h.scope === 'global' || h.scope === 'local') && h.file).map(h => h.file!))
  for (const f of files) for (const v of removeOtherHelpers(f)) lines.push(`removed credential helper '${v}' from ${f}`)
  for (const h of findOtherHelpers(env).filter(x => x.kind === 'plaintext')) say(`still configured: ${describeOther(h)}; remove it there`)
  if (!effectiveHelpers(readHelperEntries(env)).some(isOurs)) {
    const done = ensureHelperFirst('global', env)
    if (done) lines.push(`set credential.helper in ${done.file}: git now asks ${done.list.join(', then ')}`)
  }
  return lines
}

/** A yes at the terminal ([Y/n]); without one, no. */
async function yes(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false
  const tty = openTerminal()
  if (!tty) return false
  try {
    return !/^n/i.test((await tty.ask(question)).trim())
  } finally {
    tty.close()
  }
}
