// `rotate NAME`: a new secret for an existing token (SPEC §5). Scope,
// username and history stay; `rotated` is stamped and a rejection cleared.
import type { CommandModule } from 'yargs'
import { PatError } from '../../errors.js'
import { expiresArg } from './add.js'
import { readMetadata, updateMetadata } from '../../state/tokens.js'
import { statePaths } from '../../state/paths.js'
import { readNewSecret } from '../../prompt/secret-input.js'
import { refreshAccount, writeSecret } from '../../state/sources/index.js'
import { deleteSecret } from '../../state/sources/keychain.js'
import { byName } from './lookup.js'
import { day } from '../../core/expiry.js'

interface RotateArgs {
  name: string
  tokenStdin?: boolean
  expires?: string
}

export const rotate: CommandModule<object, RotateArgs> = {
  command: 'rotate <name>',
  describe: 'replace the secret of a token (after rotating it on the forge)',
  builder: y =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'the token name (see: list)' })
      .option('token-stdin', { type: 'boolean', describe: 'read the new token from stdin instead of a hidden prompt' })
      .option('expires', { type: 'string', describe: 'new expiry: 2027-01-31, 90d, 12w, 6m or 1y (default: keep it unless it has passed)' })
      .example('$0 rotate ci-runner-7 --expires 90d', 'asks for the new token without echo')
      .example('printf %s "$NEW" | $0 rotate ci-runner-7 --token-stdin --expires 2027-01-31', 'from a script') as never,
  handler: async args => {
    process.stdout.write(await rotateToken(args))
  },
}

export async function rotateToken(args: RotateArgs, now = new Date(), env = process.env): Promise<string> {
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
  const secret = ours ? await readNewSecret({ tokenStdin: args.tokenStdin, question: `New token for ${before.scope} (input hidden): ` }) : undefined

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
    if (expires !== undefined) t.expires = expires
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
    return { ...t }
  })

  const what = ours ? 'replaced the secret of' : `marked as rotated (its secret stays in ${t.source.split(':')[0]}:…)`
  const lines = [`${what} '${t.name}' for ${t.scope} (${t.expires ? `expires ${day(t.expires)}` : 'expiry unknown'}, ${t.state})`]
  if (t.state === 'disabled') notes.push(`it is still disabled; turn it on with: git-credential-pat enable ${t.name}`)
  if (t.expires && Date.parse(t.expires) <= now.getTime()) notes.push('warning: that expiry is in the past; the token will not be sent')
  return [...lines, ...notes].join('\n') + '\n'
}
