// A secret changed while the daemon could not be told (docs/git-credential-pat.md,
// "The daemon"): the daemon must never answer a secret that may have changed
// since it was cached. A SIGSTOPped daemon stands in for one that misses a
// deadline on a loaded machine; the process that changes the secret then
// gives up on it, so the daemon's copy can only be ruled out by the record.
import t from 'tap'
import { parseCredential, type Sandbox } from './lib/env.js'
import { cleanup, dsandbox, lastVia, start, status } from './lib/daemon.js'

const HOST = 'stale.example.com'
const ASK = `protocol=https\nhost=${HOST}\n\n`
const stored = (password: string) => `protocol=https\nhost=${HOST}\nusername=ci\npassword=${password}\n\n`

async function password(sb: Sandbox): Promise<string | undefined> {
  const r = await sb.pat(['get'], { input: ASK })
  if (r.code !== 0) throw new Error(`get failed (${r.code}): ${r.stderr}`)
  return parseCredential(r.stdout).password
}

/** Run `work` with the daemon stopped, and always let it go on afterwards. */
async function whileStopped<T>(pid: number, work: () => Promise<T>): Promise<T> {
  process.kill(pid, 'SIGSTOP')
  try {
    return await work()
  } finally {
    process.kill(pid, 'SIGCONT')
  }
}

t.test('git credential approve with a new password while the daemon misses its deadline: the next get sends the new one', async t => {
  const sb = dsandbox('changed')
  t.teardown(() => cleanup(sb))
  t.equal((await sb.pat(['store'], { input: stored('stale-old-secret-2101') })).code, 0)
  const pid = await start(sb)
  t.equal(await password(sb), 'stale-old-secret-2101')
  t.equal(await password(sb), 'stale-old-secret-2101')
  t.equal(lastVia(sb), 'daemon', 'the daemon holds the old secret (else this test proves nothing)')

  // git's approve after a server took a new password for the same user and URL: store replaces the secret in place.
  const approve = await whileStopped(pid, () => sb.pat(['store'], { input: stored('stale-new-secret-2102') }))
  t.equal(approve.code, 0, approve.stderr)
  t.equal(approve.stdout, '')
  t.ok((await status(sb)).running, 'the daemon is running again')

  t.equal(await password(sb), 'stale-new-secret-2102', 'the new password, not the one the daemon cached')
  t.equal(await password(sb), 'stale-new-secret-2102', 'and again (from the daemon or the keychain, never the old one)')
})

t.test('rotate while the daemon misses its deadline: the next get sends the new secret', async t => {
  const sb = dsandbox('changed-rotate')
  t.teardown(() => cleanup(sb))
  await sb.addToken(HOST, 'stale-add-secret-2103', ['--name', 'st', '--username', 'ci'])
  const pid = await start(sb)
  await password(sb)
  t.equal(await password(sb), 'stale-add-secret-2103')
  t.equal(lastVia(sb), 'daemon')
  const rot = await whileStopped(pid, () => sb.pat(['rotate', 'st', '--token-stdin'], { input: 'stale-rot-secret-2104' }))
  t.equal(rot.code, 0, rot.stderr)
  t.equal(await password(sb), 'stale-rot-secret-2104')
})
