// Fault: a writer killed with kill -9 while holding the metadata lock.
// The next store must take the lock over at once and save
// what git confirmed; a live holder is waited for and its write kept.
import t from 'tap'
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { root } from '../e2e/lib/env.js'
import { bounded, withToken } from './lib/scenario.js'
import { pat } from './lib/timed.js'

const STORE = 'protocol=http\nhost=127.0.0.1\npath=kept/r\nusername=u\npassword=stale-lock-confirmed-0001\n\n'
const GET = 'protocol=http\nhost=127.0.0.1\npath=kept/r\n\n'

/** A child that takes the real lock (the built tokens.js) and holds it until killed or told to go. */
function holder(file: string) {
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `
    const { updateMetadata } = await import(${JSON.stringify(join(root, 'dist', 'state', 'tokens.js'))})
    await updateMetadata(process.argv[1], async m => {
      m.tokens.push({ name: 'from-holder', scope: 'http://127.0.0.1/h/*', source: 'env:HOLDER_TOKEN', username: 'u', provider: 'generic', expires: null, access: 'read', created: new Date().toISOString(), state: 'active', origin: 'add' })
      process.stdout.write('holding\\n')
      await new Promise(r => process.stdin.once('data', r))
    })
  `,
      file,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  )
  const holding = new Promise(r => child.stdout.once('data', r))
  return { child, holding }
}

t.test('a writer killed with kill -9 holding the lock: the next store saves at once, get returns it', async t => {
  const { env } = await withToken(t, 'fault-stale')
  const file = join(env.GIT_CREDENTIAL_PAT_HOME!, 'tokens.json')
  const h = holder(file)
  t.teardown(() => h.child.kill('SIGKILL'))
  await h.holding
  h.child.kill('SIGKILL')
  await new Promise(r => h.child.once('exit', r))
  t.ok(readFileSync(`${file}.lock`, 'utf8').includes(`"pid":${h.child.pid}`), 'the dead writer left its lock behind')
  const store = await pat(['store'], { env, input: STORE })
  bounded(t, 'store', store)
  t.equal(store.code, 0, store.stderr)
  t.equal(store.stderr, '', 'no "cannot lock" message')
  const get = await pat(['get'], { env, input: GET })
  t.match(get.stdout, /password=stale-lock-confirmed-0001/, "git's confirmed credential was saved")
  t.notMatch(readFileSync(file, 'utf8'), /from-holder/, 'the killed writer wrote nothing')
})

t.test('a lock file naming a dead pid (left by a crash) is taken over by store', async t => {
  const { env } = await withToken(t, 'fault-stale-file')
  const file = join(env.GIT_CREDENTIAL_PAT_HOME!, 'tokens.json')
  const gone = spawn(process.execPath, ['-e', '0'])
  await new Promise(r => gone.once('exit', r))
  const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
  writeFileSync(`${file}.lock`, JSON.stringify({ pid: gone.pid, start: '1', boot, host: hostname(), nonce: '0123456789abcdef' }))
  const store = await pat(['store'], { env, input: STORE })
  bounded(t, 'store', store)
  t.equal(store.code, 0, store.stderr)
  t.match((await pat(['get'], { env, input: GET })).stdout, /password=stale-lock-confirmed-0001/)
})

t.test('a live holder is waited for and its write is not lost', async t => {
  const { env, sb } = await withToken(t, 'fault-live-lock')
  const file = join(env.GIT_CREDENTIAL_PAT_HOME!, 'tokens.json')
  const h = holder(file)
  t.teardown(() => h.child.kill('SIGKILL'))
  await h.holding
  const storing = pat(['store'], { env, input: STORE })
  await new Promise(r => setTimeout(r, 300))
  h.child.stdin.write('go\n') // the holder finishes its write and releases
  const store = await storing
  t.equal(store.code, 0, store.stderr)
  const names = (await sb.tokens()).map(x => x.name)
  t.ok(names.includes('from-holder'), "the holder's write is kept")
  t.match((await pat(['get'], { env, input: GET })).stdout, /password=stale-lock-confirmed-0001/, 'and the waiting store saved too')
})
