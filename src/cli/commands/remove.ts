// `remove NAME…`: delete a token's record and its keychain secret.
// Asks first on a terminal; a script must say --yes. Only this metadata
// file's keychain items are touched (`<store id>/<name>`, keychain-account.ts):
// a same-named token of another GIT_CREDENTIAL_PAT_HOME keeps its secret.
import type { CommandModule } from 'yargs'
import { PatError } from '../../errors.js'
import { readMetadata, updateMetadata, type TokenRecord } from '../../state/tokens.js'
import { statePaths } from '../../state/paths.js'
import { dropSecret, refreshAccount } from '../../state/sources/index.js'
import { deleteSecret, getRaw } from '../../state/sources/keychain.js'
import { accountIn, storeId } from '../../state/keychain-account.js'
import { openTerminal } from '../../prompt/tty.js'
import { byName } from './lookup.js'
import { out } from '../out.js'
import { ctxOf } from '../exit-code.js'

interface RemoveArgs {
  names: string[]
  yes?: boolean
}

export const remove: CommandModule<object, RemoveArgs> = {
  command: 'remove <names..>',
  describe: 'delete a token and its secret from the keychain',
  builder: y =>
    y
      .positional('names', { type: 'string', array: true, demandOption: true, describe: 'token names (see: list)' })
      .option('yes', { alias: 'y', type: 'boolean', describe: 'do not ask for confirmation (needed without a terminal)' })
      .example('# asks first', '')
      .example('$0 remove ci-runner-7', '')
      .example('# from a script', '')
      .example('$0 remove ci-runner-7 --yes', '')
      .example('# also deletes a keychain item that has no record (see: doctor)', '')
      .example('$0 remove orphan-name --yes', '') as never,
  handler: async args => {
    out(await removeTokens(args, ctxOf(args).env))
  },
}

interface Target {
  name: string
  record?: TokenRecord
}

export async function removeTokens(args: RemoveArgs, env: NodeJS.ProcessEnv): Promise<string> {
  const file = statePaths(env).metadata
  const meta = readMetadata(file)
  const targets: Target[] = []
  for (const name of args.names) {
    const record = meta.tokens.find(t => t.name === name)
    if (record) targets.push({ name, record })
    // A keychain item of ours without a record (doctor reports those) is
    // removable too. Without a store id (schema 1) no record-less item is
    // known to be ours: bare names are every home's.
    else if (storeId() && (await getRaw(accountIn(storeId(), name)).catch(() => null)) !== null) targets.push({ name })
    else byName(meta, name) // throws NOT_FOUND, without echoing a pasted secret
  }
  if (!args.yes) await confirm(targets)

  const lines: string[] = []
  await updateMetadata(file, async m => {
    for (const { name, record } of targets) {
      // The secret goes first: a failure then leaves a record without a
      // secret (visible, retryable), never a secret nobody knows about.
      const gone = await deleteSecret(name).catch(e => {
        if (!record || record.source === 'keychain') throw e
        return false
      })
      const refresh = await deleteSecret(refreshAccount(name)).catch(() => false)
      // The items are gone already; dropSecret on a copy without a keychain
      // source only tells a running daemon to forget its cached copy.
      if (record) await dropSecret({ ...record, source: 'keychain-gone', hasRefreshToken: false }).catch(() => {})
      const i = m.tokens.findIndex(t => t.name === name)
      if (i >= 0) m.tokens.splice(i, 1)
      if (!record) lines.push(`removed keychain item '${name}' (it had no record)`)
      else {
        const what = [gone ? 'its keychain secret' : '', refresh ? 'its refresh token' : ''].filter(Boolean).join(' and ')
        lines.push(
          `removed '${name}' (${record.scope})${what ? ` and ${what}` : record.source === 'keychain' ? ' (its keychain secret was already gone)' : ` (its secret stays in ${record.source.split(':')[0]}:…)`}`,
        )
      }
    }
  })
  return lines.join('\n') + '\n'
}

async function confirm(targets: Target[]): Promise<void> {
  const what = targets.map(t => `'${t.name}'${t.record ? ` (${t.record.scope})` : ' (keychain item without a record)'}`).join(', ')
  const tty = process.stdin.isTTY ? openTerminal() : null
  if (!tty) throw new PatError('USAGE', `remove asks for confirmation and there is no terminal to ask on; pass --yes to remove ${what}`)
  let answer: string
  try {
    answer = await tty.ask(`Remove ${what} and its secret? [y/N] `)
  } finally {
    tty.close()
  }
  if (!/^y(es)?$/i.test(answer.trim())) throw new PatError('INPUT', 'nothing was removed')
}
