// What a forward will not do (docs/forwarding.md, "Security model"), asked
// the way a hostile remote end would: straight on the socket. Another uid
// on the host cannot connect; a URL outside the allow-list, a token whose
// scope reaches beyond it, a store or an erase of another secret, a new
// credential and junk change nothing on the host (records and keychain
// compared before and after). The erase of the very secret the forward gave
// does mark it rejected: the control that shows the comparison can fail.
import t from 'tap'
import net from 'node:net'
import { existsSync } from 'node:fs'
import { run } from '../e2e/lib/env.js'
import { cleanup } from '../e2e/lib/daemon.js'
import { keychainOp } from '../e2e/lib/keyring.js'
import { SECRETS, forwardHost } from '../e2e/lib/forward.js'
import { needsRoot } from '../lib/root.js'

const { srv, host, origin } = await forwardHost('limits')
t.teardown(async () => {
  await cleanup(host)
  await srv.close()
})
const port = srv.port

/** One raw request on the forward's socket: the reply, or the connect error's code. */
function ask(sock: string, text: string): Promise<string> {
  return new Promise(resolve => {
    let got = ''
    const c = net.connect(sock)
    c.on('connect', () => c.write(text))
    c.on('data', d => (got += d))
    c.on('error', e => resolve(`error ${(e as NodeJS.ErrnoException).code}`))
    c.on('close', () => resolve(got))
  })
}

const req = (op: string, path: string, extra = '') => `${op}\nprotocol=http\nhost=127.0.0.1:${port}\npath=${path}\n${extra}\n`

/** The host's records and every keychain secret of its store. */
async function snapshot(): Promise<string> {
  const records = await host.tokens()
  const names = JSON.parse(await keychainOp(host.env, 'list')) as string[]
  const secrets = await Promise.all(names.sort().map(async n => [n, await keychainOp(host.env, 'get', n)]))
  return JSON.stringify({ records, secrets })
}

async function start(allow: string, extra: string[] = []): Promise<string> {
  const r = await host.pat(['forward', 'start', '--allow', allow, ...extra])
  if (r.code !== 0) throw new Error(`forward start: ${r.stderr}`)
  return r.stdout.trim()
}

t.test('another uid on the host cannot connect to a forwarding socket', async t => {
  if (needsRoot(t, 'a second uid')) return
  for (const mode of ['600', '666']) {
    const sock = await start(`${origin}/team/*`, ['--socket-mode', mode])
    const probe = `require('net').connect(process.argv[1]).on('connect',()=>{console.log('connected');process.exit(0)}).on('error',e=>{console.log(e.code);process.exit(1)})`
    const r = await run('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, '-e', probe, sock], {
      env: { PATH: process.env.PATH },
    })
    // (tap's process hooks may add a complaint of their own after the probe's line.)
    t.equal(r.stdout.split('\n')[0], 'EACCES', `mode ${mode}: the run directory keeps other uids out`)
    // As its owner, the same socket answers: the refusal above is about the uid.
    t.match(await ask(sock, req('get', 'team/a.git')), /password=/, `mode ${mode}: the owner is answered`)
  }
  await host.pat(['forward', 'stop', '--all'])
})

t.test('a hostile remote end changes nothing on the host', async t => {
  const sock = await start(`${origin}/team/*`)
  const before = await snapshot()
  const replies = {
    outside: await ask(sock, req('get', 'other/b.git')),
    noPath: await ask(sock, `get\nprotocol=http\nhost=127.0.0.1:${port}\n\n`),
    https: await ask(sock, `get\nprotocol=https\nhost=127.0.0.1:${port}\npath=team/a.git\n\n`),
    dotdot: await ask(sock, req('get', 'team/../other/b.git')),
    storeOther: await ask(sock, req('store', 'team/a.git', `username=u\npassword=${SECRETS.other}\n`)),
    storeNew: await ask(sock, req('store', 'team/new.git', 'username=mallory\npassword=planted-secret-123\n')),
    eraseOther: await ask(sock, req('erase', 'team/a.git', 'username=u\npassword=wrong-secret\n')),
    eraseNoSecret: await ask(sock, req('erase', 'team/a.git', 'username=u\n')),
    eraseOutside: await ask(sock, req('erase', 'other/b.git', `username=u\npassword=${SECRETS.other}\n`)),
    junk: await ask(sock, 'quit\nprotocol=http\n\n'),
    nul: await ask(sock, 'get\nprotocol=http\u0000\nhost=x\n\n'),
  }
  for (const [k, v] of Object.entries(replies)) {
    t.notOk(v.includes(SECRETS.team) || v.includes(SECRETS.other), `${k}: no secret in the reply`)
    t.notMatch(v, /forwarded=1/, `${k}: not taken as the forward's credential`)
  }
  t.equal(await snapshot(), before, 'records and keychain unchanged')
  t.match(await ask(sock, req('get', 'team/a.git')), /password=fwd-team/, 'the forward still answers for its scope')
  // The control: the very secret the forward gave, sent back with erase, marks that token rejected.
  t.match(await ask(sock, req('erase', 'team/a.git', `username=u\npassword=${SECRETS.team}\n`)), /forwarded=1/)
  const team = (await host.tokens()).find(r => r.name === 'team')!
  t.equal(team.state, 'rejected', 'erase with the given secret marks it rejected')
  t.equal((await host.tokens()).find(r => r.name === 'other')!.state, 'active', 'the other token untouched')
  t.equal((await host.pat(['enable', 'team'])).code, 0)
  await host.pat(['forward', 'stop', '--all'])
  t.notOk(existsSync(sock))
})

t.test('a token whose scope reaches beyond the allow-list is refused, even for an allowed URL', async t => {
  // The host's pick for team/a is its team/* token; the forward allows team/a only.
  const sock = await start(`${origin}/team/a`)
  t.equal(await ask(sock, req('get', 'team/a.git')), '', 'no token')
  const id = /forward-([0-9a-f]+)/.exec(sock)![1]
  const log = await host.pat(['log', '--forward', id])
  t.match(log.stdout, /name=team outcome=refused why="token outside the allow-list"/)
  await host.pat(['forward', 'stop', id])
})
