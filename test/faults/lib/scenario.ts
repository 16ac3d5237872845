// Shared steps of the fault tests: a sandbox with tokens added while all is
// well, and the checks every faulted command must pass.
import type { Test } from 'tap'
import { sandbox, type Sandbox } from '../../e2e/lib/env.js'
import { BOUND_MS, pat, type Timed } from './timed.js'

export const GET = 'protocol=http\nhost=127.0.0.1\npath=g/r\n\n'

/** A sandbox on `extra` (a private keyring's env, say) with one keychain token for http://127.0.0.1/g/*. */
export async function withToken(t: Test, name: string, extra: NodeJS.ProcessEnv = {}): Promise<{ sb: Sandbox; env: NodeJS.ProcessEnv }> {
  const sb = sandbox(name)
  const env = { ...sb.env, ...extra }
  const r = await pat(['add', 'http://127.0.0.1/g/*', '--token-stdin', '--username', 'u', '--name', 'grp'], { env, input: `${name}-secret-0001` })
  t.equal(r.code, 0, `token added before the fault: ${r.stderr}`)
  return { sb, env }
}

/** Bounded, exited by itself, and at most one distinct line on stderr. */
export function bounded(t: Test, what: string, r: Timed): void {
  t.ok(r.ms < BOUND_MS, `${what}: returned in ${Math.round(r.ms)} ms (bound ${BOUND_MS} ms; contract 6 s)`)
  t.equal(r.signal, null, `${what}: exited by itself`)
  t.ok(new Set(r.stderr.trim().split('\n')).size <= 1, `${what}: one message line (${r.stderr.trim()})`)
}

/** The keyring fault seen from git and the CLI: get falls through, add fails with one line naming the other sources. */
export async function keyringFaultChecks(t: Test, env: NodeJS.ProcessEnv, message: RegExp): Promise<void> {
  const get = await pat(['get'], { env, input: GET })
  bounded(t, 'get', get)
  t.equal(get.code, 0, 'get: exit 0 so git goes on')
  t.equal(get.stdout, '', 'get: nothing on stdout')
  t.match(get.stderr, message, 'get: says why')

  const add = await pat(['add', 'http://127.0.0.1/other', '--token-stdin', '--username', 'u', '--name', 'later'], { env, input: 'fault-later-0002' })
  bounded(t, 'add', add)
  t.equal(add.code, 1, 'add fails')
  t.match(add.stderr, message)
  t.match(add.stderr, /--source env:VAR, file:PATH or exec:COMMAND/, 'add names the sources that need no keyring')

  const list = await pat(['list'], { env })
  bounded(t, 'list', list)
  t.equal(list.code, 0, 'list needs no keychain')
  t.match(list.stdout, /grp/)
  t.notMatch(list.stdout, /later/, 'the failed add recorded nothing')

  const doctor = await pat(['doctor'], { env })
  bounded(t, 'doctor', doctor)
  t.equal(doctor.code, 1)
  t.match(doctor.stdout, /FAIL\s+keychain: keychain not usable/)
}
