// How long a forward lives (docs/forwarding.md): it ends at --for by itself,
// and while it lives the daemon does not exit for idleness; once the last
// one ends, the idle exit applies again.
import t from 'tap'
import { existsSync } from 'node:fs'
import { cleanup, dsandbox, sleep, socketOf, status } from './lib/daemon.js'

const sb = dsandbox('fwd-life')
Object.assign(sb.env, { GIT_CREDENTIAL_PAT_DAEMON_IDLE: '1', GIT_CREDENTIAL_PAT_CACHE_TIMEOUT: '0' })
t.teardown(() => cleanup(sb))

async function start(args: string[]): Promise<string> {
  const r = await sb.pat(['forward', 'start', '--allow', 'example.com/team/*', ...args])
  if (r.code !== 0) throw new Error(`forward start: ${r.stderr}`)
  return r.stdout.trim()
}

t.test('a live forward keeps the daemon from its idle exit; the last one ending lets it go', async t => {
  const sock = await start(['--for', '1h'])
  const pid = (await status(sb)).pid
  await sleep(3000) // three idle timeouts
  const st = await status(sb)
  t.equal(st.running && st.pid, pid, 'the same daemon still runs')
  t.ok(existsSync(sock), 'and the forward with it')
  t.equal((await sb.pat(['forward', 'stop', '--all'])).code, 0)
  // Watched through its socket file: asking it would count as activity.
  for (let i = 0; i < 100 && existsSync(socketOf(sb)); i++) await sleep(100)
  t.notOk(existsSync(socketOf(sb)), 'idle and holding nothing: the daemon exits')
})

t.test('--for: the forward ends by itself', async t => {
  const sock = await start(['--for', '2s'])
  const id = /forward-([0-9a-f]+)/.exec(sock)![1]
  t.ok(existsSync(sock))
  for (let i = 0; i < 100 && existsSync(sock); i++) await sleep(100)
  t.notOk(existsSync(sock), 'socket gone')
  const log = await sb.pat(['log', '--forward', id])
  t.match(log.stdout, /forward stopped .*reason="its time ran out"/)
})

t.test('a forward gone between git’s get and its store: the credential git stores is not kept on this machine', async t => {
  const gone = `${sb.dir}/gone-forward.sock` // no socket there any more
  const input = 'protocol=https\nhost=example.com\npath=team/app.git\nusername=oauth2\npassword=glpat-forwarded-secret-77\n\n'
  const r = await sb.pat(['store'], { input, env: { GIT_CREDENTIAL_PAT_FORWARD: gone } })
  t.equal(r.code, 0, r.stderr)
  t.equal(r.stdout, '', "git's channel stays empty")
  t.match(r.stderr, `the forward at ${gone} did not answer; a new credential is not saved on this machine`)
  t.notMatch(r.stderr, 'glpat-forwarded-secret-77')
  t.same(JSON.parse((await sb.pat(['list', '--json'])).stdout), [], 'nothing saved')
  const without = await sb.pat(['store'], { input })
  t.equal(without.code, 0, without.stderr)
  t.equal(JSON.parse((await sb.pat(['list', '--json'])).stdout).length, 1, 'with no forward named, the same store saves it')
})
