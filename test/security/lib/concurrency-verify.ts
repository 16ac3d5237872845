// Checking the state the concurrent writers left: the metadata through
// `list --json` (it must parse), the secrets through `get` (so the check does
// not depend on how keychain items are named, which store ids changed),
// and the keychain's own contents through secret-tool for what must be gone.
import type { Test } from 'tap'
import type { TokenRecord } from '../../../src/state/tokens.js'
import { parseCredential, run, type Sandbox } from '../../e2e/lib/env.js'
import { pool, type Expect } from './concurrency-plan.js'

/** `list --json`, or a failure that says why (corrupt metadata is a failure, never a skip). */
export async function records(t: Test, sb: Sandbox, when: string): Promise<TokenRecord[] | null> {
  const r = await sb.pat(['list', '--json'])
  if (r.code !== 0) {
    t.fail(`${when}: list --json exited ${r.code}: ${r.stderr.trim()}`)
    return null
  }
  try {
    return JSON.parse(r.stdout) as TokenRecord[]
  } catch {
    t.fail(`${when}: list --json printed something that is not JSON`)
    return null
  }
}

/** What `get` answers for a URL and username: the password, or null. */
export async function answer(sb: Sandbox, url: string, username: string): Promise<{ password: string | null; code: number | null; stderr: string }> {
  const u = new URL(url)
  const r = await sb.pat(['get'], { input: `protocol=${u.protocol.slice(0, -1)}\nhost=${u.host}\nusername=${username}\n\n` })
  return { password: parseCredential(r.stdout).password ?? null, code: r.code, stderr: r.stderr }
}

/** Every secret the keychain holds under the sandbox's service (secret-tool prints them; unlocked test keyring). */
export async function keychainSecrets(sb: Sandbox): Promise<string[]> {
  const service = sb.env.GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE ?? 'git-credential-pat'
  const r = await run('secret-tool', ['search', '--all', '--unlock', 'service', service], { env: sb.env })
  return [...r.stdout.matchAll(/^secret = (.*)$/gm)].map(m => m[1])
}

/** The host a scope names ('h.test', 'https://h.test', 'h.test/g/*' → 'h.test'). */
export const scopeHost = (scope: string) => {
  try {
    return new URL(scope.includes('://') ? scope : `https://${scope}`).host
  } catch {
    return scope
  }
}

const matchesRecord = (e: Expect) => (t: TokenRecord) =>
  e.record?.name !== undefined ? t.name === e.record.name : t.origin === 'store' && scopeHost(t.scope) === e.record?.scope && t.username === e.username

/**
 * The state must be exactly `expect`: each expected record once, in its
 * state, nothing else; each URL answered with exactly its secret (or not at
 * all); no `gone` secret in the keychain, every `live` one there.
 */
export async function verifyExact(t: Test, sb: Sandbox, expect: Expect[], gone: string[], live: string[], when: string): Promise<void> {
  const recs = await records(t, sb, when)
  if (!recs) return
  const names = recs.map(r => r.name)
  t.equal(new Set(names).size, names.length, `${when}: token names are unique`)
  const wanted = expect.filter(e => e.record)
  t.equal(recs.length, wanted.length, `${when}: exactly the ${wanted.length} records that should exist`)
  const missing: string[] = []
  const wrong: string[] = []
  for (const e of expect) {
    const found = e.record ? recs.filter(matchesRecord(e)) : recs.filter(r => scopeHost(r.scope) === new URL(e.url).host)
    if (!e.record) {
      if (found.length) wrong.push(`${e.url}: ${found.length} record(s) that should be gone (removed or erased) (${found.map(r => r.name).join(', ')})`)
    } else if (found.length !== 1) missing.push(`${e.record.name ?? e.record.scope}: ${found.length} records`)
    else if (found[0].state !== e.record.state || found[0].origin !== e.record.origin) {
      wrong.push(`${found[0].name}: ${found[0].origin}/${found[0].state}, expected ${e.record.origin}/${e.record.state}`)
    }
  }
  t.same(missing, [], `${when}: every record that should exist exists exactly once`)
  t.same(wrong, [], `${when}: in the right state, and nothing removed came back`)

  const answers = await pool(expect, 4, e => answer(sb, e.url, e.username))
  const bad = expect.flatMap((e, k) => {
    const a = answers[k]
    if (a.code !== 0) return [`${e.url}: get exited ${a.code}: ${a.stderr.trim()}`]
    if (a.password !== e.secret) return [`${e.url}: get answered ${a.password === null ? 'nothing' : a.password}, expected ${e.secret ?? 'nothing'}`]
    return []
  })
  t.same(bad, [], `${when}: get answers each of ${expect.length} URLs with exactly its secret (or nothing)`)

  const held = new Set(await keychainSecrets(sb))
  t.same(
    live.filter(s => !held.has(s)),
    [],
    `${when}: every live secret is in the keychain`,
  )
  t.same(
    gone.filter(s => held.has(s)),
    [],
    `${when}: no replaced, removed or erased secret is left in the keychain`,
  )
}
