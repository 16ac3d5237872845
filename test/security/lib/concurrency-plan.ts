// The concurrent-writer workload ("32 concurrent writers"):
// phases of `writers` operations that all start at once against one
// metadata file and one keychain. Each writer touches only its own names and
// hosts, and in the second phase changes only what it made in the first, so
// the final state is known exactly whatever the interleaving.
import type { Sandbox } from '../../e2e/lib/env.js'

export interface Op {
  /** For messages: never carries a secret. */
  label: string
  args: string[]
  input: string
}

/** What must hold for one URL after everything ran. */
export interface Expect {
  url: string
  username: string
  /** The secret `get` must answer, or null: it must answer nothing. */
  secret: string | null
  /** The record that must exist exactly once (by name, or by scope for store's), or null: none may. */
  record: { name?: string; scope: string; state: 'active' | 'rejected'; origin: 'add' | 'store' } | null
}

export interface Plan {
  /** Each phase's operations start together; a phase starts when the previous one has ended. */
  phases: Op[][]
  expect: Expect[]
  /** Secrets that were replaced, removed or erased: none may be answered or left in the keychain. */
  gone: string[]
  /** Secrets that must still be in the keychain. */
  live: string[]
}

const cred = (host: string, username: string, password: string) => `protocol=https\nhost=${host}\nusername=${username}\npassword=${password}\n\n`

/**
 * Two phases of `writers` (a multiple of 8) operations. Phase 1 creates: an
 * add or a store per writer. Phase 2 has each writer change what it created,
 * by writer number mod 8: rotate, remove, erase by the exact password
 * (an added token is kept and marked rejected), erase with a wrong
 * password (nothing changes), erase of a stored credential (deleted), the
 * same, wrong password, a store of a new secret for the same URL and user
 * (replaces it, as git's credential-store does), and a new add. So every
 * kind of write runs at once with every other. Phase 3 then rewrites the
 * file 32 times over what phase 2 left, which must not bring anything back
 * (a lost update would): git confirming a token (store records its last
 * use), git offering the rejected token's secret again (store must leave it
 * rejected, not save it anew), erases that match nothing
 * (already erased; a replaced password), and new adds.
 */
export function makePlan(writers: number, tag: string): Plan {
  const plan: Plan = { phases: [[], [], []], expect: [], gone: [], live: [] }
  for (let i = 0; i < writers; i++) {
    const kind = i % 8
    const host = `h${i}.${tag}.conc.test`
    const s = (k: string) => `conc-${tag}-${k}-${i}-secret`
    const u = `u${i}`
    const name = `tok-${i}`
    const url = `https://${host}`
    const add = (n: string, h: string, secret: string): Op => ({
      label: `add ${n}`,
      args: ['add', h, '--token-stdin', '--name', n, '--username', u, '--provider', 'generic'],
      input: secret,
    })
    const store = (secret: string, what: string): Op => ({ label: `store ${host} (${what})`, args: ['store'], input: cred(host, u, secret) })
    const erase = (secret: string, what: string): Op => ({ label: `erase ${host} (${what})`, args: ['erase'], input: cred(host, u, secret) })
    const added = { name, scope: host, origin: 'add' as const }
    const stored = { scope: host, origin: 'store' as const }
    plan.phases[0].push(kind < 4 ? add(name, host, s('1')) : store(s('1'), 'new'))
    const [op, expect, gone, live]: [Op, Expect[], string[], string[]] =
      kind === 0
        ? [
            { label: `rotate ${name}`, args: ['rotate', name, '--token-stdin'], input: s('2') },
            [{ url, username: u, secret: s('2'), record: { ...added, state: 'active' } }],
            [s('1')],
            [s('2')],
          ]
        : kind === 1
          ? [{ label: `remove ${name}`, args: ['remove', name, '--yes'], input: '' }, [{ url, username: u, secret: null, record: null }], [s('1')], []]
          : kind === 2
            ? // Kept with its secret, never sent.
              [erase(s('1'), 'exact'), [{ url, username: u, secret: null, record: { ...added, state: 'rejected' } }], [], [s('1')]]
            : kind === 3
              ? [erase(s('wrong'), 'wrong password'), [{ url, username: u, secret: s('1'), record: { ...added, state: 'active' } }], [], [s('1')]]
              : kind === 4
                ? [erase(s('1'), 'exact'), [{ url, username: u, secret: null, record: null }], [s('1')], []]
                : kind === 5
                  ? [erase(s('wrong'), 'wrong password'), [{ url, username: u, secret: s('1'), record: { ...stored, state: 'active' } }], [], [s('1')]]
                  : kind === 6
                    ? [store(s('2'), 'replacing'), [{ url, username: u, secret: s('2'), record: { ...stored, state: 'active' } }], [s('1')], [s('2')]]
                    : [
                        add(`new-${i}`, `n${i}.${tag}.conc.test`, s('2')),
                        [
                          { url, username: u, secret: s('1'), record: { ...stored, state: 'active' } },
                          {
                            url: `https://n${i}.${tag}.conc.test`,
                            username: u,
                            secret: s('2'),
                            record: { name: `new-${i}`, scope: `n${i}.${tag}.conc.test`, origin: 'add', state: 'active' },
                          },
                        ],
                        [],
                        [s('1'), s('2')],
                      ]
    plan.phases[1].push(op)
    plan.expect.push(...expect)
    plan.gone.push(...gone)
    plan.live.push(...live)

    const later = `p${i}.${tag}.conc.test`
    plan.phases[2].push(
      kind === 0
        ? store(s('2'), 'git confirms the rotated token')
        : kind === 2
          ? store(s('1'), "the rejected token's secret again")
          : kind === 3 || kind === 5
            ? store(s('1'), 'git confirms it')
            : kind === 4
              ? erase(s('1'), 'already erased')
              : kind === 6
                ? erase(s('1'), 'the replaced password')
                : add(`later-${i}`, later, s('3')),
    )
    if (kind === 1 || kind === 7) {
      plan.expect.push({ url: `https://${later}`, username: u, secret: s('3'), record: { name: `later-${i}`, scope: later, origin: 'add', state: 'active' } })
      plan.live.push(s('3'))
    }
  }
  return plan
}

export interface OpResult {
  label: string
  code: number | null
  signal: NodeJS.Signals | null
  stderr: string
  stdout: string
}

/** Run each phase's operations all at once, one phase after the other; returns every result. */
export async function runPlan(sb: Sandbox, plan: Plan): Promise<OpResult[]> {
  const results: OpResult[] = []
  for (const phase of plan.phases) {
    for (const [k, r] of (await Promise.all(phase.map(op => sb.pat(op.args, { input: op.input })))).entries()) {
      results.push({ label: phase[k].label, code: r.code, signal: r.signal, stderr: r.stderr, stdout: r.stdout })
    }
  }
  return results
}

/** Run `fn` over `items` with at most `n` at a time, keeping the order of results. */
export async function pool<T, R>(items: T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++
        out[i] = await fn(items[i])
      }
    }),
  )
  return out
}
