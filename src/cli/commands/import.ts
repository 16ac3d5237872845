// `import FILE|-`: make this store's tokens what a manifest declares (the
// format: core/manifest.ts; docs/git-credential-pat.md, "Manifests: import and export"),
// and `import --from-git-credentials [FILE]`: move git's plaintext
// credential-store file into the keychain (import-git-credentials.ts).
import { readFileSync } from 'node:fs'
import type { CommandModule } from 'yargs'
import { withExitCode } from '../exit-code.js'
import { PatError } from '../../errors.js'
import { formatScope, originOf, parseScope } from '../../core/scope.js'
import { CONVENTIONS } from '../../core/providers.js'
import { parseManifest, type EntryChecks, type ManifestEntry } from '../../core/manifest.js'
import { declaredRecord, describePlan, describeSecrets, planChanges } from '../../core/manifest-plan.js'
import { applyManifest } from '../../state/manifest-apply.js'
import { validateSource } from '../../state/sources/index.js'
import { ensureUseHttpPath } from '../../gitconfig/use-http-path.js'
import { checkUsername, expiresArg, nameArg, pickProvider, scopeArg } from './add/args.js'
import { fileSourceArg } from './add/file-source.js'
import { importGitCredentials } from './import-git-credentials.js'
import { askMissingSecrets } from './import-ask.js'
import { out } from '../out.js'

export interface ImportArgs {
  file?: string
  dryRun?: boolean
  prune?: boolean
  refreshSecrets?: boolean
  fromGitCredentials?: boolean
  removePlaintext?: boolean
  removeOtherHelpers?: boolean
  keepOtherHelpers?: boolean
}

export const importCommand: CommandModule<object, ImportArgs> = {
  command: 'import [file]',
  describe: 'make the tokens what a manifest declares (FILE, or - for stdin); or move ~/.git-credentials into the keychain',
  builder: y =>
    y
      .positional('file', { type: 'string', describe: 'the manifest (JSON, see: export), - for stdin; with --from-git-credentials, the credential file' })
      .option('dry-run', { type: 'boolean', describe: 'print the plan and the secrets it would read; read none, run nothing, change nothing' })
      .option('prune', { type: 'boolean', describe: "also remove this store's tokens the manifest does not list" })
      .option('refresh-secrets', { type: 'boolean', describe: 'read every "secretFrom" again, also for tokens that hold their secret' })
      .option('from-git-credentials', { type: 'boolean', describe: "move git's credential-store file (default ~/.git-credentials) into the keychain" })
      .option('remove-plaintext', { type: 'boolean', describe: 'with --from-git-credentials: remove the moved lines from the file without asking' })
      .option('remove-other-helpers', { type: 'boolean', describe: "with --from-git-credentials: remove git's store (and cache) helpers without asking" })
      .option('keep-other-helpers', { type: 'boolean', describe: "with --from-git-credentials: keep git's store helper" })
      .conflicts('remove-other-helpers', 'keep-other-helpers')
      .example('# what would change', '')
      .example('$0 import tokens.json --dry-run', '')
      .example('# exactly the tokens of the file', '')
      .example('$0 import tokens.json --prune', '')
      .example('# move ~/.git-credentials into the keychain', '')
      .example('$0 import --from-git-credentials', '')
      .example('# what would move from ~/.git-credentials into the keychain', '')
      .example('$0 import --from-git-credentials --dry-run', '') as never,
  handler: withExitCode(async (args, ctx) => {
    if (args.fromGitCredentials) {
      if (args.prune || args.refreshSecrets) throw new PatError('USAGE', '--prune and --refresh-secrets are for manifests, not --from-git-credentials')
      return importGitCredentials(args, ctx.env, ctx.now())
    }
    if (args.removePlaintext || args.removeOtherHelpers || args.keepOtherHelpers) {
      throw new PatError('USAGE', '--remove-plaintext, --remove-other-helpers and --keep-other-helpers go with --from-git-credentials')
    }
    // yargs-parser reads a lone `-` as the empty string.
    if (args.file === '') args.file = '-'
    if (!args.file) throw new PatError('USAGE', 'name a manifest file (or - for stdin), or use --from-git-credentials')
    out(await importManifest(args, ctx.now(), ctx.env))
  }),
}

/** What `add` checks on its flags (add/args.ts), for manifest entries. */
export function addChecks(now: Date): EntryChecks {
  return {
    scope: text => formatScope(scopeArg(text)),
    expires: text => expiresArg(text, now),
    // file: paths as add makes them: ~ expanded, relative to the current directory.
    source: text => validateSource(fileSourceArg(text)),
    name: nameArg,
  }
}

export async function importManifest(args: ImportArgs, now: Date, env: NodeJS.ProcessEnv): Promise<string> {
  const file = args.file!
  const where = file === '-' ? 'the manifest on stdin' : file
  const entries = parseManifest(await readManifest(file), addChecks(now), where)
  const desired = entries.map((e, i) => declaredRecord(e, resolveDefaults(e, i, where, env), now))
  const { plan, reads, awaiting } = await applyManifest(entries, desired, {
    prune: args.prune,
    dryRun: args.dryRun,
    refreshSecrets: args.refreshSecrets,
    env,
    now,
    askMissing: missing => askMissingSecrets(missing, env),
  })
  const lines = describePlan(plan, !!args.dryRun)
  const secrets = describeSecrets(reads, awaiting, !!args.dryRun)
  // What a dry run would read belongs to its plan; what still awaits a secret is said last.
  if (args.dryRun) lines.push(...secrets)
  const live = [...plan.add, ...plan.change.map(c => c.after)].filter(r => r.state !== 'disabled')
  lines.push(
    ...ensureUseHttpPath(
      live.map(r => r.scope),
      env,
      now,
      !!args.dryRun,
    ),
  )
  const n = planChanges(plan)
  if (n === 0) lines.push(`no change: the ${entries.length} token${entries.length === 1 ? ' of ' + where + ' is' : 's of ' + where + ' are'} as declared`)
  else {
    const counts = `${plan.add.length} added, ${plan.change.length} changed, ${plan.remove.length} removed, ${plan.same.length} unchanged`
    lines.push(args.dryRun ? `dry run (${counts}): nothing was changed` : `imported ${where}: ${counts}`)
  }
  if (!args.dryRun) lines.push(...secrets)
  return lines.join('\n') + '\n'
}

async function readManifest(file: string): Promise<string> {
  try {
    if (file !== '-') return readFileSync(file, 'utf8')
    // Streamed: readFileSync(0) fails with EAGAIN on a non-blocking pipe (Node).
    const chunks: Buffer[] = []
    for await (const c of process.stdin) chunks.push(c as Buffer)
    return Buffer.concat(chunks).toString('utf8')
  } catch (e) {
    throw new PatError('USAGE', `cannot read ${file === '-' ? 'stdin' : file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`)
  }
}

/**
 * Provider and username as add picks them: the entry's, else git config
 * credential.<origin>.patProvider, else by host name; the username by the
 * forge's convention, which some forges lack (then the entry must say).
 */
function resolveDefaults(e: ManifestEntry, i: number, where: string, env: NodeJS.ProcessEnv): { provider: string; username: string } {
  const s = parseScope(e.scope)
  try {
    const provider = pickProvider(e.provider, s.host, originOf(s), env)
    const username = e.username ?? CONVENTIONS[provider].username
    if (!username) throw new PatError('USAGE', `a ${provider} token needs "username" (your account name)`)
    return { provider, username: checkUsername(username) }
  } catch (err) {
    if (err instanceof PatError) throw new PatError('USAGE', `${where}: entry ${i + 1} ('${e.name}'): ${err.message}; nothing was changed`)
    throw err
  }
}
