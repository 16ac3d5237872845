// `edit NAME`: change a token's fields without adding it again.
// The secret stays where it is: every value is checked as `add`
// checks it (add/args.ts) before anything changes, and a bad one is a usage
// error (exit 2) that changes nothing. Sources: leaving the keychain keeps
// the keychain item (nothing is lost; `edit --source keychain` finds it
// again, `remove` deletes it) unless --forget-secret; coming to the keychain
// needs an item there already, as edit never asks for a secret.
import type { CommandModule } from 'yargs'
import { PatError } from '../../errors.js'
import { formatScope, originOf, parseScope } from '../../core/scope.js'
import { repositoryOfPage } from '../../core/scope-input.js'
import { PROVIDERS } from '../../core/providers.js'
import { day } from '../../core/expiry.js'
import { readMetadata, updateMetadata, type Access, type TokenRecord } from '../../state/tokens.js'
import { statePaths } from '../../state/paths.js'
import { validateSource } from '../../state/sources/index.js'
import { say } from '../../log/stderr.js'
import { redactWords } from '../../core/redact.js'
import { checkUsername, expiresArg, nameArg, pickProvider, scopeArg } from './add.js'
import { fileSourceArg } from './add/file-source.js'
import { ensureUseHttpPath } from '../../gitconfig/use-http-path.js'
import { byName } from './lookup.js'
import { keychainHas, moveSecret, forgetKeychainSecret } from './edit-secret.js'
import { out } from '../out.js'
import { ctxOf } from '../exit-code.js'

export interface EditArgs {
  token: string
  /** The new name. */
  name?: string
  scope?: string
  username?: string
  provider?: string
  expires?: string
  access?: string
  description?: string
  source?: string
  forgetSecret?: boolean
  force?: boolean
}

export const edit: CommandModule<object, EditArgs> = {
  command: 'edit <token>',
  describe: "change a token's scope, username, provider, expiry, access, description, source or name (the secret stays)",
  builder: y =>
    y
      .positional('token', { type: 'string', demandOption: true, describe: 'the name of the token (see: list)' })
      .option('scope', { type: 'string', describe: '[http://|https://]HOST[:PORT][/PATH[/*]] or a clone URL' })
      .option('username', { type: 'string', describe: 'the username git sends' })
      .option('provider', { type: 'string', choices: PROVIDERS, describe: 'forge type' })
      .option('expires', { type: 'string', describe: 'expiry: 2027-01-31, 90d, 12w, 6m, 1y, or unknown' })
      .option('access', { type: 'string', choices: ['read', 'read-write'] })
      .option('description', { type: 'string', describe: "free text ('' removes it)" })
      .option('source', { type: 'string', describe: 'keychain, env:VAR, file:PATH or exec:COMMAND (the secret is not moved)' })
      .option('forget-secret', { type: 'boolean', describe: 'with --source env:|file:|exec:, delete the keychain copy of the secret' })
      .option('name', { type: 'string', describe: 'a new name (its keychain item moves with it)' })
      .option('force', { type: 'boolean', describe: 'accept an --expires date in the past' })
      .example('# after extending the token on the forge', '')
      .example('$0 edit ci-runner-7 --expires 2027-01-31', '')
      .example('# narrow a token to a group', '')
      .example("$0 edit gitlab.com-vm --scope 'gitlab.com/team/*'", '')
      .example('# the secret now comes from the environment only', '')
      .example('$0 edit ci --source env:CI_TOKEN --forget-secret', '') as never,
  handler: async args => {
    const ctx = ctxOf(args)
    out(await editToken(args, ctx.now(), ctx.env))
  },
}

const FIELDS = ['name', 'scope', 'username', 'provider', 'expires', 'access', 'description', 'source'] as const
type Field = (typeof FIELDS)[number]
type Changes = Partial<Pick<TokenRecord, Field>>

export async function editToken(args: EditArgs, now: Date, env: NodeJS.ProcessEnv): Promise<string> {
  const file = statePaths(env).metadata
  const meta = readMetadata(file)
  const before = byName(meta, args.token)
  const wanted = wantedValues(args, before, meta.tokens, now, env)
  if (!Object.keys(wanted).length) {
    throw new PatError('USAGE', 'name what to change: --scope, --username, --provider, --expires, --access, --description, --source or --name')
  }
  const changed = FIELDS.filter(f => f in wanted && (wanted[f] ?? undefined) !== (before[f] ?? undefined))
  if (!changed.length) return `nothing changed: '${before.name}' already has ${Object.keys(wanted).length === 1 ? 'that value' : 'those values'}\n`
  if (changed.includes('name') && meta.tokens.some(t => t.name === wanted.name)) {
    throw new PatError('EXISTS', `a token named '${wanted.name}' exists already; choose another --name`)
  }
  if (changed.includes('source') && wanted.source === 'keychain' && !(await keychainHas(before.name))) {
    throw new PatError(
      'INPUT',
      `token '${before.name}' has no secret in the keychain, and edit never asks for one; to keep it there, add it again: git-credential-pat add ${before.scope} --name ${before.name} --force`,
    )
  }
  const after = await updateMetadata(
    file,
    async m => {
      const t = byName(m, args.token)
      if (changed.includes('name') && m.tokens.some(x => x.name === wanted.name)) {
        throw new PatError('EXISTS', `a token named '${wanted.name}' exists already; choose another --name`)
      }
      const was = { ...t }
      // The new keychain item is written and read back before the record names it.
      if (changed.includes('name') && t.source === 'keychain') await moveSecret(t, wanted.name!, 'copy')
      for (const f of changed) Object.assign(t, { [f]: wanted[f] })
      if (t.description === undefined) delete t.description
      // A refresh token belongs to the keychain secret it came with.
      if (changed.includes('source') && was.source === 'keychain') delete t.hasRefreshToken
      // A file add made is no longer this token's: install.sh --purge leaves it alone.
      if (changed.includes('source')) delete t.fileWritten
      return { was, now: { ...t } }
    },
    undefined,
    async ({ was, now }) => {
      // Under the lock: another add may otherwise take the old name and write its own item first.
      if (changed.includes('name') && was.source === 'keychain') await moveSecret(was, now.name, 'drop-old')
      if (changed.includes('source') && args.forgetSecret && was.source === 'keychain' && now.source !== 'keychain') await forgetKeychainSecret(now.name)
    },
  )
  const notes: string[] = []
  if (changed.includes('source')) notes.push(...sourceNotes(after.was, after.now, !!args.forgetSecret))
  if (changed.includes('scope')) {
    notes.push(...ensureUseHttpPath([after.now.scope], env, now))
  }
  const lines = changed.map(f => `changed ${f} of '${after.now.name}': ${shown(f, after.was)} → ${shown(f, after.now)}`)
  return [...lines, ...notes].join('\n') + '\n'
}

/** Every value given, checked as add checks it; undefined when not given. */
function wantedValues(args: EditArgs, before: TokenRecord, tokens: readonly TokenRecord[], now: Date, env: NodeJS.ProcessEnv): Changes {
  const w: Changes = {}
  if (args.name !== undefined) w.name = nameArg(args.name)
  const provider = args.provider !== undefined ? pickProvider(args.provider, '', '', env) : undefined
  if (provider) w.provider = provider
  if (args.scope !== undefined) {
    let parsed = scopeArg(
      args.scope,
      tokens.map(t => t.scope),
    )
    const page = repositoryOfPage(parsed, provider ?? before.provider)
    if (page) {
      say(`note: that is a page of the repository ${formatScope(page)}; the token is for the repository`)
      parsed = page
    }
    w.scope = formatScope(parsed)
    if (parsed.username !== undefined && args.username === undefined) w.username = checkUsername(parsed.username)
    // The forge of a new host, unless given: git config or the host's name (as add picks it).
    if (!provider && parseScope(before.scope).host !== parsed.host) w.provider = pickProvider(undefined, parsed.host, originOf(parsed), env)
  }
  if (args.username !== undefined) w.username = checkUsername(args.username)
  if (args.expires !== undefined) w.expires = expiresArg(args.expires, now, { past: args.force ? 'allow' : 'refuse' })
  if (args.access !== undefined) {
    if (args.access !== 'read' && args.access !== 'read-write') throw new PatError('USAGE', '--access must be read or read-write')
    w.access = args.access as Access
  }
  if (args.description !== undefined) w.description = args.description === '' ? undefined : args.description
  if (args.source !== undefined) w.source = fileSourceArg(validateSource(args.source))
  if (args.forgetSecret && (w.source === undefined || w.source === 'keychain' || before.source !== 'keychain')) {
    throw new PatError('USAGE', '--forget-secret goes with --source env:VAR, file:PATH or exec:COMMAND on a keychain token')
  }
  return w
}

/** What became of the keychain item when the source changed. */
function sourceNotes(was: TokenRecord, now: TokenRecord, forget: boolean): string[] {
  if (now.source === 'keychain') return [`the secret already in the keychain for '${now.name}' is used`]
  if (was.source !== 'keychain') return []
  if (forget) return [`deleted the keychain copy of the secret of '${now.name}'`]
  return [`the keychain copy of the secret is kept (edit --source keychain goes back to it; remove deletes it; --forget-secret would have deleted it)`]
}

function shown(f: Field, t: TokenRecord): string {
  if (f === 'expires') return t.expires ? day(t.expires) : 'unknown'
  if (f === 'description') return t.description === undefined ? '(none)' : JSON.stringify(t.description)
  if (f === 'source') return redactWords(t.source)
  return String(t[f])
}
