// `rotate NAME`: a new secret for an existing token. Scope,
// username and history stay; `rotated` is stamped and a rejection cleared.
// The new secret is checked with the forge as `add` checks one (a refused
// one changes nothing unless --force), and its expiry taken from there.
// `--api` has the forge make the new secret (GitLab, forge/rotate.ts);
// `--background` is how `get` starts it for credential.pat.autoRotate.
import type { CommandModule } from 'yargs'
import { PatError } from '../../errors.js'
import { withExitCode } from '../exit-code.js'
import { expiresArg } from './add/args.js'
import { readMetadata, updateMetadata, type TokenRecord } from '../../state/tokens.js'
import { statePaths } from '../../state/paths.js'
import { readNewSecret } from '../../prompt/secret-input.js'
import { refreshAccount, writeSecret } from '../../state/sources/index.js'
import { deleteSecret } from '../../state/sources/keychain.js'
import { byName } from './lookup.js'
import { day } from '../../core/expiry.js'
import { probeKeychainWrite } from '../../state/keychain-probe.js'
import { out } from '../out.js'
import { checkBeforeSaving } from './add/forge-check.js'
import { linkLines } from './add/notes.js'
import { isProvider } from '../../core/providers.js'
import { parseScope } from '../../core/scope.js'
import { say } from '../../log/stderr.js'

interface RotateArgs {
  name: string
  tokenStdin?: boolean
  expires?: string
  api?: boolean
  background?: boolean
  force?: boolean
  check?: boolean
}

export const rotate: CommandModule<object, RotateArgs> = {
  command: 'rotate <name>',
  describe: 'replace the secret of a token (after rotating it on the forge)',
  builder: y =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'the token name (see: list)' })
      .option('token-stdin', { type: 'boolean', describe: 'read the new token from stdin instead of a hidden prompt' })
      .option('expires', {
        type: 'string',
        describe: 'new expiry: 2027-01-31, 90d, 12w, 6m or 1y (default: keep it unless it has passed; with --api: the previous lifetime)',
      })
      .option('api', { type: 'boolean', describe: 'have the forge renew the token through its API (GitLab, Heptapod); the old secret is revoked' })
      .option('background', { type: 'boolean', hidden: true, describe: 'run as credential.pat.autoRotate does: after a pause, output to the log' })
      .option('check', {
        type: 'boolean',
        describe: 'ask the forge about the new token before saving it, as add does (default where the forge has a token API; --no-check skips it)',
      })
      .option('force', { type: 'boolean', describe: 'save the new token even if the forge refuses it' })
      .conflicts('api', 'token-stdin')
      .implies('background', 'api')
      .example('# asks for the new token without echo', '')
      .example('$0 rotate ci-runner-7 --expires 90d', '')
      .example('# GitLab makes the new token; nothing to copy', '')
      .example('$0 rotate gitlab-laptop --api', '')
      .example('# from a script', '')
      .example('printf %s "$NEW" |\n$0 rotate ci-runner-7 --token-stdin \\\n--expires 2027-01-31', '') as never,
  handler: withExitCode(async (args, ctx) => {
    const { env } = ctx
    if (args.background) return (await import('../../forge/auto-rotate-run.js')).rotateInBackground(args.name, ctx)
    if (args.api) {
      // The name is checked here, with the message that never echoes a pasted secret.
      byName(readMetadata(statePaths(env).metadata), args.name)
      const now = ctx.now()
      const expires = args.expires !== undefined ? expiresArg(args.expires, now, { past: 'refuse' }) : undefined
      out(await (await import('../../forge/rotate.js')).rotateThroughForge({ name: args.name, expires, now, env }))
      return
    }
    out(await rotateToken(args, ctx.now(), env))
  }),
}

export async function rotateToken(args: RotateArgs, now: Date, env: NodeJS.ProcessEnv): Promise<string> {
  const file = statePaths(env).metadata
  // Fail before asking for a secret the user would then have typed in vain.
  const before = byName(readMetadata(file), args.name)
  const expires = args.expires !== undefined ? expiresArg(args.expires, now) : undefined
  const ours = before.source === 'keychain'
  if (!ours && args.tokenStdin) {
    throw new PatError(
      'USAGE',
      `token '${before.name}' reads its secret from ${before.source.split(':')[0]}:…; change it there (--token-stdin only applies to keychain tokens)`,
    )
  }
  // The keychain must take the new secret before the user goes to make one.
  if (ours) await probeKeychainWrite(before.name, `'${before.name}' was not changed; make the new token once it works`, file)
  if (ours && !args.tokenStdin) for (const line of pageLines(before)) say(line)
  const secret = ours ? await readNewSecret({ tokenStdin: args.tokenStdin, question: `New token for ${before.scope} (input hidden): ` }) : undefined
  // The new secret is checked before it replaces one that works, as add checks a new token.
  const seen: TokenRecord = { ...structuredClone(before), expires: expires !== undefined ? expires : before.expires }
  delete seen.checked
  const checked =
    secret === undefined
      ? undefined
      : await checkBeforeSaving(seen, secret, { check: args.check, force: args.force, env, now, asked: expires, nothing: 'changed' })

  const notes: string[] = []
  const t = await updateMetadata(file, async m => {
    const t = byName(m, args.name)
    if (secret !== undefined) await writeSecret(t, secret)
    // A refresh token belonged to the old secret.
    if (t.hasRefreshToken) {
      await deleteSecret(refreshAccount(t.name)).catch(() => false)
      delete t.hasRefreshToken
    }
    t.rotated = now.toISOString()
    if (seen.checked) t.expires = seen.expires
    else if (expires !== undefined) t.expires = expires
    else if (t.expires && Date.parse(t.expires) <= now.getTime()) {
      // Keeping a past date would make get refuse the new secret.
      t.expires = null
      notes.push('the old expiry had passed, so the expiry is now unknown; set it with --expires')
    }
    if (t.state === 'rejected') t.state = 'active'
    delete t.rejected
    // What the forge and servers said was about the old secret.
    delete t.checked
    delete t.denied
    if (seen.checked) t.checked = seen.checked
    return { ...t }
  })

  const what = ours ? 'replaced the secret of' : `marked as rotated (its secret stays in ${t.source.split(':')[0]}:…)`
  const lines = [`${what} '${t.name}' for ${t.scope} (${t.expires ? `expires ${day(t.expires)}` : 'expiry unknown'}, ${t.state})`]
  if (t.state === 'disabled') notes.push(`it is still disabled; turn it on with: git-credential-pat enable ${t.name}`)
  if (t.expires && Date.parse(t.expires) <= now.getTime()) notes.push('warning: that expiry is in the past; the token will not be sent')
  if (checked) notes.push(checked)
  return [...lines, ...notes].join('\n') + '\n'
}

/** Where the new token is made (the forge's token page, prefilled with the name), for the terminal. */
function pageLines(t: TokenRecord): string[] {
  try {
    return isProvider(t.provider) ? linkLines(t.provider, parseScope(t.scope), t.name) : []
  } catch {
    return []
  }
}
