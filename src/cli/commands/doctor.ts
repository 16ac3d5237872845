// `doctor`: find what stops git from getting tokens, and say how to fix each
// thing (SPEC §5). Never prints a secret; exit 0 only when all is well.
import { accessSync, constants, realpathSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { join, delimiter } from 'node:path'
import { randomBytes } from 'node:crypto'
import type { CommandModule } from 'yargs'
import { PatError } from '../../errors.js'
import { readMetadata, type TokenRecord } from '../../state/tokens.js'
import { statePaths } from '../../state/paths.js'
import { scopeOf, isExpired } from '../../core/select.js'
import { originOf } from '../../core/scope.js'
import { configGetUrlmatch } from '../../gitconfig/run.js'
import { effectiveHelpers, isOurs, readHelperEntries, type HelperEntry } from '../../gitconfig/helper-list.js'
import { describeOther, otherHelperKind } from '../../gitconfig/other-helpers.js'
import { runtimeInfo } from '../../runtime/info.js'
import { launcherPath } from '../../runtime/install.js'
import { readSecret, refreshAccount } from '../../state/sources/index.js'
import { accountIn, isStoreAccount, nameOf, storeId } from '../../state/keychain-account.js'
import * as keychain from '../../state/sources/keychain.js'
import { renderTable, type Cell } from '../table.js'
import { parseBool as isTrue } from '../../gitconfig/settings.js'
import { warnDays } from './lookup.js'
import { daysLeft } from '../../core/expiry.js'

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip'

export interface Check {
  id: string
  status: CheckStatus
  /** One line: what was found. */
  summary: string
  /** One line per affected thing (token, host…). */
  details: string[]
  /** Commands or steps that fix it. */
  fix: string[]
}

export const doctor: CommandModule<object, { json?: boolean }> = {
  command: 'doctor',
  describe: 'check the setup (git config, binary, keychain, tokens) and say how to fix what is wrong',
  builder: y =>
    y
      .option('json', { type: 'boolean', describe: 'machine-readable output' })
      .example('$0 doctor', 'exit status 0 when all is well, 1 otherwise')
      .example('git credential-pat doctor --json | jq ".checks[] | select(.status != \\"ok\\")"', '') as never,
  handler: async args => {
    const checks = await runChecks()
    const ok = allWell(checks)
    process.stdout.write(args.json ? JSON.stringify({ ok, checks }, null, 2) + '\n' : renderChecks(checks))
    process.exitCode = ok ? 0 : 1
  },
}

export const allWell = (checks: readonly Check[]) => checks.every(c => c.status === 'ok' || c.status === 'skip')

const DAY = 86_400_000
const check = (id: string, status: CheckStatus, summary: string, details: string[] = [], fix: string[] = []): Check => ({ id, status, summary, details, fix })

export async function runChecks(env: NodeJS.ProcessEnv = process.env, now = new Date()): Promise<Check[]> {
  const checks: Check[] = []
  checks.push(checkBinary(env))
  checks.push(checkRuntime(env))

  const metaFile = statePaths(env).metadata
  let tokens: TokenRecord[] | null = null
  let metaCheck: Check
  try {
    tokens = readMetadata(metaFile).tokens
    metaCheck = check('metadata', 'ok', `metadata ${metaFile} is readable (${tokens.length} token${tokens.length === 1 ? '' : 's'})`)
  } catch (e) {
    metaCheck = check(
      'metadata',
      'fail',
      e instanceof PatError ? e.message : `cannot read ${metaFile}: ${(e as Error).message}`,
      [],
      [`repair or move away ${metaFile}; then re-add your tokens with: git-credential-pat add`],
    )
  }
  const live = (tokens ?? []).filter(t => t.state !== 'disabled')

  checks.push(...checkHelpers(live, env))
  checks.push(checkUseHttpPath(live, env))
  const probe = await probeKeychain()
  checks.push(probe)
  checks.push(metaCheck)
  checks.push(...(await checkConsistency(tokens, probe.status !== 'fail', env)))
  checks.push(checkExpiry(live, now, warnDays(env)))
  checks.push(checkRejected(tokens ?? []))
  checks.push(await (await import('./daemon.js')).daemonCheck(env))
  return checks
}

// ---- the binary git runs ----------------------------------------------------

/** bin/git-credential-pat of this installation (dist/commands/ → ../../bin). */
export const OUR_BIN = launcherPath()

function checkBinary(env: NodeJS.ProcessEnv): Check {
  // `git credential-pat` looks in git's exec-path first, then in PATH.
  const r = spawnSync('git', ['--exec-path'], { encoding: 'utf8', env })
  const dirs = [...(r.status === 0 ? [r.stdout.trim()] : []), ...(env.PATH ?? '').split(delimiter).filter(Boolean)]
  let found: string | undefined
  for (const d of dirs) {
    const f = join(d, 'git-credential-pat')
    try {
      accessSync(f, constants.X_OK)
      found = f
      break
    } catch {
      /* not here */
    }
  }
  const fix = [`put ${join(OUR_BIN, '..')} first in PATH, or link it: ln -s ${OUR_BIN} ~/.local/bin/git-credential-pat (./install.sh does this)`]
  if (!found) return check('binary', 'fail', 'git cannot run `git credential-pat`: no git-credential-pat in PATH', [], fix)
  const real = (f: string) => {
    try {
      return realpathSync(f)
    } catch {
      return f
    }
  }
  if (real(found) !== real(OUR_BIN)) {
    return check(
      'binary',
      'fail',
      `\`git credential-pat\` runs ${found}, not this installation (${OUR_BIN})`,
      [`${found} -> ${real(found)}`],
      [`remove or relink ${found}, or put ${join(OUR_BIN, '..')} before it in PATH`],
    )
  }
  return check('binary', 'ok', `\`git credential-pat\` runs ${found}${found === OUR_BIN ? '' : ` (-> ${real(found)}, this installation)`}`)
}

/** Which runtime runs the helper, and why (SPEC §10). */
function checkRuntime(env: NodeJS.ProcessEnv): Check {
  const r = runtimeInfo(env)
  return check('runtime', 'ok', `runs on ${r.name === 'bun' ? 'Bun' : 'Node'} ${r.version}: ${r.why}`)
}

// ---- git config ---------------------------------------------------------------

function checkHelpers(tokens: TokenRecord[], env: NodeJS.ProcessEnv): Check[] {
  let entries
  try {
    entries = readHelperEntries(env)
  } catch (e) {
    return [check('helper', 'fail', (e as Error).message, [], ['make sure git is installed and on PATH'])]
  }
  const describe = (list: string[]) => (list.length ? list.map(v => `'${v}'`).join(', then ') : 'no helper')
  const out: Check[] = []
  const generic = effectiveHelpers(entries)
  if (!generic.some(isOurs)) {
    out.push(check('helper', 'fail', `git config credential.helper does not include pat (git asks ${describe(generic)})`, [], ['git-credential-pat setup']))
  } else if (!isOurs(generic[0])) {
    out.push(
      check(
        'helper',
        'warn',
        `git asks ${describe(generic)}: a helper before pat may answer with another password`,
        [],
        ['git-credential-pat setup   (puts pat first, keeps the others)'],
      ),
    )
  } else out.push(check('helper', 'ok', `git asks ${describe(generic)}`))
  out.push(...checkOtherHelpers(entries))

  // credential.<url>.helper entries (gh auth setup-git writes one with a
  // reset) can take a host away from us.
  const details: string[] = []
  const fix: string[] = []
  let status: CheckStatus = 'ok'
  for (const origin of originsOf(tokens, () => true)) {
    const list = effectiveHelpers(entries, origin)
    if (list.join('\0') === generic.join('\0')) continue
    if (!list.some(isOurs)) {
      status = 'fail'
      details.push(`${origin}: git asks ${describe(list)}, not pat (a credential.${origin}.helper entry resets the list)`)
      fix.push(`git config --global --add credential.${origin}.helper pat   (or remove the empty credential.${origin}.helper entry)`)
    } else if (!isOurs(list[0])) {
      if (status === 'ok') status = 'warn'
      details.push(`${origin}: git asks ${describe(list)}; the first may answer before pat`)
    }
  }
  if (details.length) out.push(check('helper-url', status, 'some hosts with tokens have their own credential helpers', details, fix))
  return out
}

/**
 * store/cache beside pat: git stores every token into them too, and asks
 * them once pat withholds one (issue 10 item 3). A plaintext copy is a FAIL.
 */
function checkOtherHelpers(entries: HelperEntry[]): Check[] {
  const others = entries.flatMap(e => {
    const kind = otherHelperKind(e.value)
    return kind ? [{ ...e, kind }] : []
  })
  if (!others.length || !entries.some(e => isOurs(e.value))) return []
  const plaintext = others.some(h => h.kind === 'plaintext')
  return [
    check(
      'other-helpers',
      plaintext ? 'fail' : 'warn',
      plaintext
        ? "git's credential-store is configured beside pat: every token git uses is copied to a plaintext file, and sent from there after pat withholds it"
        : "git's credential-cache is configured beside pat: it keeps a copy of every token git uses and sends it after pat withholds it",
      others.map(describeOther),
      [
        'git-credential-pat setup --remove-other-helpers',
        ...(plaintext ? ['then delete the plaintext copies: rm ~/.git-credentials (or the --file given to store)'] : []),
      ],
    ),
  ]
}

function originsOf(tokens: TokenRecord[], want: (t: TokenRecord, pathScoped: boolean) => boolean): string[] {
  const set = new Set<string>()
  for (const t of tokens) {
    const s = scopeOf(t)
    if (s && want(t, s.path.length > 0)) set.add(originOf(s))
  }
  return [...set].sort()
}

function checkUseHttpPath(tokens: TokenRecord[], env: NodeJS.ProcessEnv): Check {
  const origins = originsOf(tokens, (_, pathScoped) => pathScoped)
  const missing = origins.filter(o => !isTrue(configGetUrlmatch('credential.useHttpPath', o, env)))
  if (!missing.length) {
    return check('use-http-path', 'ok', origins.length ? `git sends the repository path to ${origins.join(', ')}` : 'no tokens scoped to a repository or group')
  }
  return check(
    'use-http-path',
    'fail',
    `git does not send the repository path to ${missing.join(', ')}, so tokens scoped to a repository or group there are never used`,
    missing.map(
      o =>
        `${o}: ${tokens
          .filter(t => scopeOf(t) && originOf(scopeOf(t)!) === o && scopeOf(t)!.path.length)
          .map(t => t.name)
          .join(', ')}`,
    ),
    [...missing.map(o => `git config --global credential.${o}.useHttpPath true`), 'or: git-credential-pat setup'],
  )
}

// ---- keychain -----------------------------------------------------------------

/** Write, read and delete a throwaway item: proves the keyring is there and unlocked. */
async function probeKeychain(): Promise<Check> {
  // '#' cannot start a token name, so the probe never collides with one.
  const account = `#doctor-probe-${process.pid}-${randomBytes(4).toString('hex')}`
  const value = randomBytes(16).toString('hex')
  const started = Date.now()
  try {
    await keychain.setRaw(account, value)
    const back = await keychain.getRaw(account)
    await keychain.deleteRaw(account)
    if (back !== value) {
      return check(
        'keychain',
        'fail',
        'the keychain stored a test item but returned something else',
        [],
        ['check that your Secret Service (GNOME Keyring, KWallet, KeePassXC) is working'],
      )
    }
  } catch (e) {
    await keychain.deleteRaw(account).catch(() => false)
    return check('keychain', 'fail', `keychain not usable: ${(e as Error).message}`, [], keychainFix())
  }
  const ms = Date.now() - started
  if (ms > 2000)
    return check(
      'keychain',
      'warn',
      `the keychain works but is slow (${ms} ms for a write, read and delete)`,
      [],
      ['a slow keyring slows every git command; `git-credential-pat daemon` keeps secrets warm'],
    )
  return check('keychain', 'ok', `keychain reachable and unlocked (write, read and delete in ${ms} ms)`)
}

function keychainFix(): string[] {
  if (process.platform === 'darwin') return ['unlock the login keychain (Keychain Access, or: security unlock-keychain)']
  if (process.platform === 'win32') return ['check that Windows Credential Manager is available to your account']
  return [
    'start and unlock a Secret Service: GNOME Keyring, KWallet or KeePassXC (in a session without a desktop: eval $(echo -n PASSWORD | gnome-keyring-daemon --unlock --components=secrets) inside dbus-run-session)',
    'or keep tokens elsewhere: git-credential-pat add … --source env:VAR | file:PATH | exec:COMMAND',
  ]
}

async function checkConsistency(tokens: TokenRecord[] | null, keychainOk: boolean, env: NodeJS.ProcessEnv): Promise<Check[]> {
  if (!tokens) return [check('keychain-records', 'skip', 'metadata unreadable: cannot compare it with the keychain')]
  const out: Check[] = []
  if (!keychainOk) out.push(check('keychain-records', 'skip', 'keychain not usable: cannot compare it with the metadata'))
  else {
    let accounts: string[] | null = null
    try {
      accounts = await keychain.listAccounts()
    } catch (e) {
      out.push(check('keychain-records', 'fail', `cannot list the keychain items: ${(e as Error).message}`, [], keychainFix()))
    }
    if (accounts) out.push(...compareKeychain(tokens, accounts, storeId()))
  }
  // Secrets outside the keychain: a file source must exist and be private.
  // env: and exec: are left alone (env depends on the job; exec may prompt).
  const bad: string[] = []
  for (const t of tokens.filter(t => t.source.startsWith('file:'))) {
    try {
      await readSecret(t, env)
    } catch (e) {
      bad.push((e as Error).message)
    }
  }
  if (bad.length)
    out.push(
      check('file-source', 'fail', `${bad.length} file: source${bad.length === 1 ? ' is' : 's are'} unusable`, bad, [
        'fix the file (it must exist, be yours and be mode 600), or: git-credential-pat remove NAME',
      ]),
    )
  return out
}

/**
 * Our records against the keychain's accounts. Ours are the accounts under
 * this metadata file's store id (keychain-account.ts); another home's items
 * (another id) are never ours to call orphans, and bare-name items (schema 1,
 * one namespace for every home) are counted only as legacy.
 */
export function compareKeychain(tokens: TokenRecord[], accounts: string[], id: string | null): Check[] {
  const out: Check[] = []
  const have = new Set(accounts)
  const names = new Set(tokens.map(t => t.name))
  const missing = tokens.filter(t => t.source === 'keychain' && !t.emptySecret && !have.has(accountIn(id, t.name)))
  out.push(
    missing.length
      ? check(
          'missing-secret',
          'fail',
          `${missing.length} token${missing.length === 1 ? ' has' : 's have'} a record but no secret in the keychain`,
          missing.map(t => `${t.name} (${t.scope})`),
          missing.map(t => `git-credential-pat rotate ${t.name}   (store the secret again) or: git-credential-pat remove ${t.name} --yes`),
        )
      : check('missing-secret', 'ok', 'every keychain token has its secret'),
  )
  if (!id) {
    out.push(
      check('orphan-secret', 'skip', 'the metadata has no store id yet (written by an older version): its keychain items move under one at the next change'),
    )
    return out
  }
  const orphans = accounts
    .map(a => nameOf(a, id))
    .filter((n): n is string => n !== null)
    .filter(n => !names.has(n.endsWith(REFRESH) ? n.slice(0, -REFRESH.length) : n))
  out.push(
    orphans.length
      ? check(
          'orphan-secret',
          'fail',
          `${orphans.length} keychain item${orphans.length === 1 ? ' has' : 's have'} no record (git-credential-pat cannot use or show ${orphans.length === 1 ? 'it' : 'them'})`,
          orphans,
          orphans.map(n => `git-credential-pat remove ${n} --yes`),
        )
      : check('orphan-secret', 'ok', 'every keychain item of this metadata file has a record'),
  )
  const legacy = accounts.filter(a => !isStoreAccount(a) && !a.startsWith('#doctor-probe-')).length
  if (legacy) {
    out.push(
      check(
        'legacy-secret',
        'ok',
        `${legacy} keychain item${legacy === 1 ? '' : 's'} under a bare name from an older version (legacy, not ours to judge: another GIT_CREDENTIAL_PAT_HOME not yet upgraded may own ${legacy === 1 ? 'it' : 'them'})`,
      ),
    )
  }
  return out
}

const REFRESH = refreshAccount('')

// ---- tokens ---------------------------------------------------------------------

function checkExpiry(tokens: TokenRecord[], now: Date, days: number): Check {
  const expired = tokens.filter(t => isExpired(t, now))
  const soon = tokens.filter(t => !isExpired(t, now) && t.expires && Date.parse(t.expires) - now.getTime() <= days * DAY)
  if (!expired.length && !soon.length) return check('expiry', 'ok', `no token expired or expiring within ${days} days`)
  const left = (t: TokenRecord) => {
    const n = daysLeft(t.expires!, now)
    return n < 1 ? 'in less than a day' : `in ${n} day${n === 1 ? '' : 's'}`
  }
  return check(
    'expiry',
    expired.length ? 'fail' : 'warn',
    [expired.length ? `${expired.length} expired (never sent)` : '', soon.length ? `${soon.length} expiring within ${days} days` : '']
      .filter(Boolean)
      .join(', '),
    [
      ...expired.map(t => `${t.name} (${t.scope}) expired on ${t.expires!.slice(0, 10)}`),
      ...soon.map(t => `${t.name} (${t.scope}) expires on ${t.expires!.slice(0, 10)}, ${left(t)}`),
    ],
    [...expired, ...soon].map(t => `make a new token on the forge, then: git-credential-pat rotate ${t.name} --expires YYYY-MM-DD   (or remove ${t.name})`),
  )
}

function checkRejected(tokens: TokenRecord[]): Check {
  const rejected = tokens.filter(t => t.state === 'rejected')
  if (!rejected.length) return check('rejected', 'ok', 'no token was refused by its server')
  return check(
    'rejected',
    'fail',
    `${rejected.length} token${rejected.length === 1 ? ' was' : 's were'} refused by the server and ${rejected.length === 1 ? 'is' : 'are'} no longer sent`,
    rejected.map(t => `${t.name} (${t.scope})${t.rejected ? ` at ${t.rejected.at.slice(0, 10)} by ${t.rejected.url}` : ''}`),
    rejected.map(t => `git-credential-pat rotate ${t.name}   (new secret) or, if the token is fine: git-credential-pat enable ${t.name}`),
  )
}

// ---- output ------------------------------------------------------------------------

export function renderChecks(checks: readonly Check[], colour?: boolean): string {
  const tone = (s: CheckStatus): Cell['tone'] => (s === 'fail' ? 'red' : s === 'warn' ? 'yellow' : s === 'skip' ? 'dim' : undefined)
  const label = { ok: 'ok', warn: 'WARN', fail: 'FAIL', skip: 'skip' }
  const out: string[] = []
  for (const c of checks) {
    out.push(renderTable(['', ''], [[{ text: label[c.status].padEnd(4), tone: tone(c.status) }, { text: `${c.id}: ${c.summary}` }]], colour).split('\n')[1])
    for (const d of c.details) out.push(`        ${d}`)
    for (const f of c.fix) out.push(`        fix: ${f}`)
  }
  const bad = checks.filter(c => c.status === 'fail' || c.status === 'warn').length
  out.push(bad ? `\n${bad} problem${bad === 1 ? '' : 's'} found.` : '\nall is well.')
  return out.join('\n') + '\n'
}
