// `add SCOPE`: save a token for a host, group or repository. The
// arguments are checked in add/args.ts, the forge asked in add/forge-check.ts.
import { hostname } from 'node:os'
import type { CommandModule } from 'yargs'
import { withExitCode } from '../exit-code.js'
import { PatError } from '../../errors.js'
import { formatScope, originOf, type ParsedScope } from '../../core/scope.js'
import { repositoryOfPage } from '../../core/scope-input.js'
import { day } from '../../core/expiry.js'
import { CONVENTIONS, PROVIDERS, defaultTokenName, type Provider } from '../../core/providers.js'
import { readMetadata, updateMetadata, type TokenRecord, type Access } from '../../state/tokens.js'
import { uniqueName } from '../../core/names.js'
import { statePaths } from '../../state/paths.js'
import { readSecret, refreshAccount, validateSource, writeSecret } from '../../state/sources/index.js'
import { deleteSecret } from '../../state/sources/keychain.js'
import { readNewSecret } from '../../prompt/secret-input.js'
import { looksLikeToken } from '../../core/redact.js'
import { say } from '../../log/stderr.js'
import { askUsername, checkUsername, expiresArg, nameArg, pickProvider, providerOf, scopeArg } from './add/args.js'
import { identifyOnAdd, wantsIdentify } from './add/identify.js'
import { checkBeforeSaving } from './add/forge-check.js'
import { bearerWarning, gitVersion, linkLines } from './add/notes.js'
import { ensureUseHttpPath } from '../../gitconfig/use-http-path.js'
import { fileSourceArg, writeFileSource } from './add/file-source.js'
import { out } from '../out.js'

// For `import`, which checks a manifest's entries as add does.
export { checkUsername, expiresArg, nameArg, pickProvider, scopeArg }

interface AddArgs {
  scope: string
  extra?: string[]
  name?: string
  username?: string
  provider?: string
  expires?: string
  access: Access
  description?: string
  source: string
  tokenStdin?: boolean
  auth: 'basic' | 'bearer'
  force?: boolean
  /** Refused: never from argv (hidden options, so the refusal can say why). */
  token?: string
  password?: string
  /** Ask the forge about the token right after adding it (check). */
  check?: boolean
}

export const add: CommandModule<object, AddArgs> = {
  command: 'add <scope> [extra..]',
  describe: 'save a token for a host, group (host/group/*) or repository',
  builder: y =>
    y
      .positional('scope', { type: 'string', demandOption: true, describe: '[http://|https://]HOST[:PORT][/PATH[/*]] or a clone URL' })
      .positional('extra', { type: 'string', array: true, hidden: true })
      .option('name', { type: 'string', describe: 'unique name (default: <host>[-<path>]-<machine hostname>, with -2, -3 … if taken)' })
      .option('username', { type: 'string', describe: 'username git sends (default: the forge convention)' })
      .option('provider', { type: 'string', choices: PROVIDERS, describe: 'forge type for self-hosted instances' })
      .option('expires', { type: 'string', describe: 'expiry: 2027-01-31, 90d, 12w, 6m or 1y' })
      .option('access', { type: 'string', choices: ['read', 'read-write'] as const, default: 'read-write' as Access })
      .option('description', { type: 'string' })
      .option('source', { type: 'string', default: 'keychain', describe: 'keychain, env:VAR, file:PATH or exec:COMMAND' })
      .option('token-stdin', { type: 'boolean', describe: 'read the token from stdin instead of a hidden prompt' })
      .option('auth', {
        type: 'string',
        choices: ['basic', 'bearer'] as const,
        default: 'basic' as const,
        describe: 'send as HTTP Basic password or Bearer (git ≥ 2.46)',
      })
      .option('force', { type: 'boolean', describe: 'replace a token with the same name; save one the forge refuses, or with an expiry in the past' })
      .option('token', { type: 'string', hidden: true })
      .option('password', { type: 'string', hidden: true })
      .option('check', {
        type: 'boolean',
        describe:
          'ask the forge about it before saving: valid? expiry? scopes? (default where the forge has a token API: GitLab, GitHub, Gitea; --no-check skips it)',
      })
      .example('# provision a machine in one line', '')
      .example('printf %s "$TOKEN" |\n$0 add \'gitlab.example.com/team/*\' --token-stdin \\\n--expires 90d --name ci-runner-7', '')
      .example('# the same without a keyring: the token goes to a file (mode 600)', '')
      .example('printf %s "$TOKEN" |\n$0 add \'gitlab.example.com/team/*\' --token-stdin \\\n--source file:/etc/git-tokens/team', '')
      .example('# a fine-grained token for one repository (asks for it)', '')
      .example('$0 add github.com/acme/app --expires 2027-01-31', '') as never,
  handler: withExitCode(async (args, ctx) => {
    out((await addToken(args, ctx.now(), ctx.env)).text)
    return 0
  }),
}

/** What add will save, worked out from the arguments before any question about the token. */
interface AddPlan {
  parsed: ParsedScope
  scopeText: string
  provider: Provider
  base: string
  /** The name as things stand (picked again under the lock). */
  name: string
  expires: string | null
  /** undefined: settled after the forge is identified (add/identify.ts). */
  username?: string
  source: string
  /** Whether the secret is read here (keychain, or written to a file: source). */
  asks: boolean
  /** Ask the host which forge it is (nobody named its provider). */
  identify: boolean
}

/** Every argument checked, and the username asked if needed; nothing saved. */
async function planAdd(args: AddArgs, existing: readonly TokenRecord[], now: Date, env: NodeJS.ProcessEnv): Promise<AddPlan> {
  // A secret typed as an argument is already in shell history and `ps`; at
  // least do not store it, and do not echo it back.
  if (args.extra?.length || looksLikeToken(args.scope) || args.token !== undefined || args.password !== undefined) {
    throw new PatError(
      'USAGE',
      'tokens are never taken from the command line (ps and shell history would show them); give only the scope, then type the token at the prompt or use --token-stdin',
    )
  }
  let parsed = scopeArg(
    args.scope,
    existing.map(t => t.scope),
  )
  const { provider, guessed } = providerOf(args.provider, parsed.host, originOf(parsed), env)
  const page = repositoryOfPage(parsed, provider)
  if (page) {
    say(`note: that is a page of the repository ${formatScope(page)}; the token is for the repository`)
    parsed = page
  }
  const scopeText = formatScope(parsed)
  const base = nameArg(args.name ?? defaultTokenName(parsed.host, hostname(), parsed.path))
  const expires = args.expires !== undefined ? expiresArg(args.expires, now, { past: args.force ? 'allow' : 'refuse' }) : null
  // Before any question, so nobody types a token for a name that is taken.
  const name = pickName(existing, args.name, base, scopeText, args.force)
  const source = fileSourceArg(validateSource(args.source))
  const asks = source === 'keychain' || (source.startsWith('file:') && !!args.tokenStdin)
  // The forge, once identified, may give the username: asked after the token then.
  const identify = wantsIdentify(provider, guessed, { check: args.check, env }) && (asks || !!args.check)
  const given = args.username ?? parsed.username ?? CONVENTIONS[provider].username
  const username = given !== undefined ? checkUsername(given) : identify ? undefined : checkUsername(await askUsername(provider, parsed.host, args.tokenStdin))
  return { parsed, scopeText, provider, base, name, expires, username, source, asks, identify }
}

/** What was added, as text (a token the forge refuses throws, nothing saved). */
export async function addToken(args: AddArgs, now: Date, env: NodeJS.ProcessEnv): Promise<{ text: string }> {
  const paths = statePaths(env)
  const p = await planAdd(args, readMetadata(paths.metadata).tokens, now, env)
  if (args.auth === 'bearer') {
    const w = bearerWarning(gitVersion(env))
    if (w) say(w)
  }
  // A secret is asked for the keychain, or to write a file: source (a machine without a keyring).
  if (p.asks) for (const line of linkLines(p.provider, p.parsed, p.name)) say(line)
  const secret = p.asks ? await readNewSecret({ tokenStdin: args.tokenStdin, question: `Token for ${p.scopeText} (input hidden): ` }) : undefined

  const record: TokenRecord = {
    name: p.name,
    scope: p.scopeText,
    username: p.username ?? '',
    provider: p.provider,
    expires: p.expires,
    access: args.access,
    description: args.description,
    created: now.toISOString(),
    state: 'active',
    source: p.source,
    origin: 'add',
    auth: args.auth === 'bearer' ? 'bearer' : undefined,
  }
  // A secret kept elsewhere (env:, exec:) is read for the forge only when --check asks.
  const known = secret ?? (args.check && p.source !== 'keychain' ? await readSecret(record, env) : undefined)
  const checking = { check: args.check, force: args.force, env, now, asked: args.expires !== undefined ? p.expires : undefined }
  const checked: string[] = []
  if (known !== undefined && p.identify) {
    const id = await identifyOnAdd(record, known, checking)
    checked.push(...id.lines)
    record.username = checkUsername(p.username ?? id.username ?? (await askUsername(record.provider as Provider, p.parsed.host, args.tokenStdin)))
  } else if (known !== undefined) {
    const line = await checkBeforeSaving(record, known, checking)
    if (line) checked.push(line)
  }
  const fileNote = await save(paths.metadata, record, secret, args, p.base)

  const exp = record.expires
  const lines = [`added token '${record.name}' for ${p.scopeText} (user ${record.username}, ${exp ? `expires ${day(exp)}` : 'expiry unknown'})`]
  if (fileNote) lines.push(fileNote)
  if (exp && Date.parse(exp) <= now.getTime()) lines.push(`warning: that expiry is in the past; the token will not be sent`)
  lines.push(...checked)
  lines.push(...ensureUseHttpPath([p.scopeText], env, now))
  return { text: lines.join('\n') + '\n' }
}

/** Save the record and its secret under the lock; the line about a written file: source, if any. */
async function save(file: string, record: TokenRecord, secret: string | undefined, args: AddArgs, base: string): Promise<string | undefined> {
  let fileNote: string | undefined
  await updateMetadata(file, async meta => {
    // Again under the lock: another add may have taken the name meanwhile.
    const name = (record.name = pickName(meta.tokens, args.name, base, record.scope, args.force))
    const i = meta.tokens.findIndex(t => t.name === name)
    if (secret !== undefined && record.source !== 'keychain') {
      const file = writeFileSource(name, record.source.slice('file:'.length), secret)
      fileNote = file.line
      // Only a file add made is offered for deletion at install.sh --uninstall --purge.
      if (file.written) record.fileWritten = true
    }
    if (secret !== undefined) await writeSecret(record, secret)
    else if (i >= 0 && meta.tokens[i].source === 'keychain') await deleteSecret(name).catch(() => false)
    // The replaced token's refresh token belonged to it, not to the new one.
    if (i >= 0 && meta.tokens[i].hasRefreshToken) await deleteSecret(refreshAccount(name)).catch(() => false)
    if (i >= 0) meta.tokens[i] = record
    else meta.tokens.push(record)
  })
  return fileNote
}

/**
 * The name of a new token. An explicit --name must be free, or
 * replaced with --force; the default follows the scope and gets -2, -3 …
 * when taken (as the prompt's names do), so it never replaces a token of
 * another scope; --force replaces it only when it has the same scope.
 */
export function pickName(tokens: readonly TokenRecord[], explicit: string | undefined, base: string, scope: string, force?: boolean): string {
  const taken = tokens.find(t => t.name === base)
  if (!taken || (force && (explicit !== undefined || taken.scope === scope))) return base
  if (explicit === undefined)
    return uniqueName(
      tokens.map(t => t.name),
      base,
    )
  // Replacing is offered only for a token of the same scope.
  const how = taken.scope === scope ? 'choose another --name, or --force to replace it' : 'choose another --name, or leave --name out for a free one'
  throw new PatError('EXISTS', `a token named '${base}' exists for ${taken.scope === scope ? '' : 'another scope, '}${taken.scope}; ${how}`)
}
