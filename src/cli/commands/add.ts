// `add SCOPE`: save a token for a host, group or repository (SPEC §5).
import { hostname } from 'node:os'
import type { CommandModule } from 'yargs'
import { withExitCode } from '../exit-code.js'
import { PatError } from '../../errors.js'
import { parseScope, formatScope, originOf, type ParsedScope } from '../../core/scope.js'
import { day, parseExpires } from '../../core/expiry.js'
import { CONVENTIONS, PROVIDERS, defaultTokenName, guessProvider, isProvider, type Provider } from '../../core/providers.js'
import { readMetadata, updateMetadata, type TokenRecord, type Access } from '../../state/tokens.js'
import { uniqueName } from '../../core/names.js'
import { statePaths } from '../../state/paths.js'
import { refreshAccount, validateSource, writeSecret } from '../../state/sources/index.js'
import { deleteSecret } from '../../state/sources/keychain.js'
import { readNewSecret } from '../../prompt/secret-input.js'
import { openTerminal } from '../../prompt/tty.js'
import { looksLikeToken } from '../../core/redact.js'
import { configGetUrlmatch, configSet } from '../../gitconfig/run.js'

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
      .option('force', { type: 'boolean', describe: 'replace a token with the same name' })
      .option('token', { type: 'string', hidden: true })
      .option('password', { type: 'string', hidden: true })
      .option('check', { type: 'boolean', describe: 'ask the forge about it right away: valid? expiry? (see check)' })
      .example('printf %s "$TOKEN" | $0 add gitlab.example.com/team/* --token-stdin --expires 90d --name ci-runner-7', 'provision a machine in one line')
      .example('$0 add github.com/acme/app --expires 2027-01-31', 'a fine-grained token for one repository (asks for it)') as never,
  handler: withExitCode(async args => {
    const r = await addToken(args)
    process.stdout.write(r.text)
    return r.ok ? 0 : 1
  }),
}

/** What was added, as text; `ok` is false when --check found the token dead or its forge unreachable. */
export async function addToken(args: AddArgs, now = new Date(), env = process.env): Promise<{ text: string; ok: boolean }> {
  // A secret typed as an argument is already in shell history and `ps`; at
  // least do not store it, and do not echo it back.
  if (args.extra?.length || looksLikeToken(args.scope) || args.token !== undefined || args.password !== undefined) {
    throw new PatError(
      'USAGE',
      'tokens are never taken from the command line (ps and shell history would show them); give only the scope, then type the token at the prompt or use --token-stdin',
    )
  }
  const parsed = scopeArg(args.scope)
  const scopeText = formatScope(parsed)
  const provider = pickProvider(args.provider, parsed.host, originOf(parsed), env)
  const base = args.name ?? defaultTokenName(parsed.host, hostname(), parsed.path)
  if (!/^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/.test(base)) {
    const shown = looksLikeToken(base) || /[\x00-\x1f\x7f]/.test(base) ? '' : ` '${base}'`
    throw new PatError('USAGE', `--name${shown}: use letters, digits and . _ @ + - (at most 128; no spaces, newlines or control characters)`)
  }
  const expires = args.expires !== undefined ? expiresArg(args.expires, now) : null
  // Before any question, so nobody types a token for a name that is taken.
  pickName(readMetadata(statePaths(env).metadata).tokens, args.name, base, scopeText, args.force)
  const username = checkUsername(
    args.username ?? parsed.username ?? CONVENTIONS[provider].username ?? (await askUsername(provider, parsed.host, args.tokenStdin)),
  )
  const source = validateSource(args.source)
  const secret = source === 'keychain' ? await readNewSecret({ tokenStdin: args.tokenStdin, question: `Token for ${scopeText} (input hidden): ` }) : undefined

  const record: TokenRecord = {
    name: base,
    scope: scopeText,
    username,
    provider,
    expires,
    access: args.access,
    description: args.description,
    created: now.toISOString(),
    state: 'active',
    source,
    origin: 'add',
    auth: args.auth === 'bearer' ? 'bearer' : undefined,
  }
  const paths = statePaths(env)
  await updateMetadata(paths.metadata, async meta => {
    // Again under the lock: another add may have taken the name meanwhile.
    const name = (record.name = pickName(meta.tokens, args.name, base, scopeText, args.force))
    const i = meta.tokens.findIndex(t => t.name === name)
    if (secret !== undefined) await writeSecret(record, secret)
    else if (i >= 0 && meta.tokens[i].source === 'keychain') await deleteSecret(name).catch(() => false)
    // The replaced token's refresh token belonged to it, not to the new one.
    if (i >= 0 && meta.tokens[i].hasRefreshToken) await deleteSecret(refreshAccount(name)).catch(() => false)
    if (i >= 0) meta.tokens[i] = record
    else meta.tokens.push(record)
  })

  const lines = [`added token '${record.name}' for ${scopeText} (user ${username}, ${expires ? `expires ${day(expires)}` : 'expiry unknown'})`]
  if (expires && Date.parse(expires) <= now.getTime()) lines.push(`warning: that expiry is in the past; the token will not be sent`)
  if (parsed.path.length) {
    // git sends the repository path only with credential.useHttpPath (gitcredentials(7)).
    const key = `credential.${originOf(parsed)}.useHttpPath`
    configSet(key, 'true', '--global', env)
    lines.push(`set ${key}=true in your global git config, so git tells us which repository it is for`)
  }
  let ok = true
  if (args.check) {
    const checked = await (await import('./check.js')).checkTokens([record.name], { now, env })
    lines.push(checked.text.trimEnd())
    ok = checked.ok
  }
  return { text: lines.join('\n') + '\n', ok }
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

/**
 * The scope argument. A bad scope is a usage error (exit 2); one carrying a
 * password is refused, saying so, and the password is never repeated.
 */
function scopeArg(text: string): ParsedScope {
  let parsed: ParsedScope
  try {
    parsed = parseScope(text)
  } catch (e) {
    if (e instanceof PatError && e.code === 'SCOPE') throw new PatError('USAGE', e.message)
    throw e
  }
  if (parsed.hasPassword) {
    throw new PatError(
      'USAGE',
      'the scope carries a password (user:PASSWORD@host), so it was on the command line where ps and shell history see it; nothing was saved: give the scope without it, the token at the prompt or with --token-stdin (and revoke that token if it was a real one)',
    )
  }
  return parsed
}

/**
 * `--expires` for add and rotate: a usage error (exit 2) when it cannot be
 * read or is a negative duration. A past date is kept (with a warning), as
 * for importing a token known to be expired.
 */
export function expiresArg(text: string, now: Date): string | null {
  const shown = looksLikeToken(text) || /[\x00-\x1f\x7f]/.test(text) ? 'that value' : `'${text}'`
  if (/^\s*-/.test(text)) {
    throw new PatError('USAGE', `--expires ${shown}: a negative duration is in the past; give a future date (2027-01-31) or a duration (90d, 12w, 6m, 1y)`)
  }
  try {
    return parseExpires(text, now)
  } catch (e) {
    if (e instanceof PatError) throw new PatError('USAGE', `--expires ${shown}: give a date (2027-01-31) or a duration (90d, 12w, 6m, 1y)`)
    throw e
  }
}

function pickProvider(flag: string | undefined, host: string, origin: string, env: NodeJS.ProcessEnv): Provider {
  if (flag) return flag as Provider
  const configured = configGetUrlmatch('credential.patProvider', origin, env)
  if (configured) {
    if (!isProvider(configured)) throw new PatError('USAGE', `git config credential.${origin}.patProvider=${configured} is not one of ${PROVIDERS.join(', ')}`)
    return configured
  }
  return guessProvider(host)
}

/**
 * Gitea/Forgejo, Launchpad and unknown forges need the account name. Asked on
 * the terminal when the token will be too; a script must pass --username.
 */
async function askUsername(provider: Provider, host: string, tokenStdin?: boolean): Promise<string> {
  const who = provider === 'generic' ? `${host}` : `${provider} (${host})`
  const tty = tokenStdin ? null : openTerminal()
  if (!tty) throw new PatError('USAGE', `${who} needs your account name as username: add --username NAME`)
  try {
    return (await tty.ask(`Username on ${host} (your account name): `)).trim()
  } finally {
    tty.close()
  }
}

/** git's credential protocol is line-based: a username must be one clean line. */
function checkUsername(u: string): string {
  if (!u) throw new PatError('USAGE', 'the username is empty: add --username NAME')
  if (/[\x00-\x1f\x7f]/.test(u)) throw new PatError('USAGE', 'the username contains control characters')
  return u
}
