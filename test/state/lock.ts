// The metadata lock (src/state/lock.ts), with real processes and files:
// writers in several processes take turns; a holder that is gone (no such
// pid, another process under its pid, another boot) never blocks the next
// one; a live holder is waited for only up to the bound, then named; an
// old-style directory lock and an unreadable one are cleared once old.
import t from 'tap'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { isAlive, startTime, withLock } from '../../src/state/lock.js'

const writer = join(import.meta.dirname, 'lib/lock-writer.ts')
const run = (args: string[]) => spawn(process.execPath, [...process.execArgv, writer, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
const exited = (c: ChildProcess) => new Promise<number | null>(ok => c.on('close', code => ok(code)))
const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
/** A holder as a lock file records it. */
const holder = (over: Record<string, unknown>) =>
  JSON.stringify({ pid: process.pid, start: startTime(process.pid), boot: bootId, host: hostname(), nonce: 'n', ...over })
/** The pid of a process that has exited. */
const deadPid = () => spawnSync('sh', ['-c', 'echo $$']).stdout.toString().trim()
const ago = (path: string, s: number) => utimesSync(path, new Date(Date.now() - s * 1000), new Date(Date.now() - s * 1000))
/** withLock that does not wait for a live holder at all: true when it got the lock. */
const takesAtOnce = (file: string) => withLock(file, async () => true, { giveUpMs: 0 })

t.test('writers in several processes take turns: no update lost, never two inside', async t => {
  const file = join(t.testdir({ counter: '0' }), 'counter')
  const writers = [run(['count', file, '15']), run(['count', file, '15']), run(['count', file, '15'])]
  const errors = writers.map(w => {
    let e = ''
    w.stderr!.on('data', d => (e += d))
    return () => e
  })
  // And this process too, at the same time.
  for (let i = 0; i < 15; i++) {
    await withLock(file, async () => {
      t.notOk(existsSync(`${file}.inside`), 'alone inside')
      writeFileSync(file, String(Number(readFileSync(file, 'utf8')) + 1))
    })
  }
  const codes = await Promise.all(writers.map(exited))
  t.same(codes, [0, 0, 0], errors.map(e => e()).join(''))
  t.equal(readFileSync(file, 'utf8'), String(4 * 15), 'every increment kept')
  t.notOk(existsSync(`${file}.lock`), 'the lock released')
})

t.test('a live holder is waited for up to the bound, then named; killed with -9, its lock is taken over at once', async t => {
  const file = join(t.testdir({ data: '' }), 'data')
  const holding = run(['hold', file])
  t.teardown(() => void holding.kill('SIGKILL'))
  await new Promise<void>((ok, fail) => {
    holding.stdout!.on('data', d => String(d).includes('held') && ok())
    holding.on('close', code => fail(new Error(`the holder exited (${code})`)))
  })
  await t.rejects(
    withLock(file, async () => t.fail('ran while another process held the lock'), { giveUpMs: 150, retryMs: 10 }),
    { code: 'LOCKED', message: new RegExp(`process ${holding.pid} has held ${file}\\.lock for over 0 s`) },
    'LOCKED, naming the holder',
  )
  holding.kill('SIGKILL')
  await exited(holding)
  t.ok(existsSync(`${file}.lock`), 'the dead holder left its lock')
  t.equal(await takesAtOnce(file), true, 'taken over without waiting')
  t.notOk(existsSync(`${file}.lock`))
})

t.test('a holder that is gone never blocks', async t => {
  const dir = t.testdir()
  const cases: Record<string, string> = {
    'no such pid': holder({ pid: Number(deadPid()) }),
    'its pid now another process (other start time)': holder({ start: '1' }),
    'written before a reboot': holder({ boot: 'another-boot' }),
  }
  for (const [why, text] of Object.entries(cases)) {
    const file = join(dir, why.replace(/\W+/g, '-'))
    writeFileSync(`${file}.lock`, text)
    t.equal(await takesAtOnce(file), true, why)
    t.notOk(existsSync(`${file}.lock`), `${why}: released after`)
  }
  // A waiter that died while taking over left its guard: cleared, and the lock taken.
  const file = join(dir, 'guard')
  writeFileSync(`${file}.lock`, holder({ pid: Number(deadPid()) }))
  writeFileSync(`${file}.lock.takeover`, holder({ pid: Number(deadPid()), nonce: 'g' }))
  t.equal(await withLock(file, async () => true, { giveUpMs: 2000, retryMs: 5 }), true, 'a dead takeover guard')
  t.notOk(existsSync(`${file}.lock.takeover`))
})

t.test('a live holder, or one on another host, is not taken over', async t => {
  const dir = t.testdir()
  const mine = join(dir, 'mine')
  writeFileSync(`${mine}.lock`, holder({}))
  await t.rejects(takesAtOnce(mine), { code: 'LOCKED', message: new RegExp(`process ${process.pid} has held`) })
  t.equal(JSON.parse(readFileSync(`${mine}.lock`, 'utf8')).nonce, 'n', 'the lock left as it was')
  const remote = join(dir, 'remote')
  writeFileSync(`${remote}.lock`, holder({ pid: Number(deadPid()), host: 'elsewhere.example' }))
  await t.rejects(takesAtOnce(remote), { code: 'LOCKED', message: / on elsewhere\.example has held/ })
})

t.test('an old-style directory lock and an unreadable lock: waited for while fresh, cleared once old', async t => {
  const dir = t.testdir()
  const legacy = join(dir, 'legacy')
  mkdirSync(`${legacy}.lock`)
  await t.rejects(takesAtOnce(legacy), { code: 'LOCKED', message: /another process has held/ })
  ago(`${legacy}.lock`, 11)
  t.equal(await takesAtOnce(legacy), true, 'a directory lock older than 10 s')
  t.notOk(existsSync(`${legacy}.lock`))
  const garbage = join(dir, 'garbage')
  writeFileSync(`${garbage}.lock`, 'edited by hand')
  await t.rejects(takesAtOnce(garbage), { code: 'LOCKED' })
  ago(`${garbage}.lock`, 3)
  t.equal(await takesAtOnce(garbage), true, 'unreadable and older than 2 s')
})

t.test('the lock is released after work that fails, and only if still ours', async t => {
  const dir = t.testdir()
  const file = join(dir, 'f')
  await t.rejects(
    withLock(file, async () => {
      throw new Error('work failed')
    }),
    { message: 'work failed' },
  )
  t.notOk(existsSync(`${file}.lock`), 'released after a failure')
  await withLock(file, async () => writeFileSync(`${file}.lock`, holder({ nonce: 'someone-else' })))
  t.equal(JSON.parse(readFileSync(`${file}.lock`, 'utf8')).nonce, 'someone-else', "another's lock is left alone")
})

t.test('a lock that cannot be made: LOCKED, saying why', async t => {
  const file = join(t.testdir(), 'missing-dir', 'f')
  await t.rejects(
    withLock(file, async () => t.fail('ran without the lock')),
    { code: 'LOCKED', message: `cannot lock ${file}: ENOENT; nothing was changed` },
  )
})

t.test('isAlive and startTime', async t => {
  const me = { pid: process.pid, start: startTime(process.pid), boot: bootId, host: hostname() }
  t.match(me.start, /^\d+$/, 'a start time in clock ticks')
  t.equal(startTime(Number(deadPid())), null, 'none for a pid that is gone')
  t.equal(isAlive(me), true)
  t.equal(isAlive({ ...me, start: null }), true, 'no start time recorded: the pid decides')
  t.equal(isAlive({ ...me, start: '1' }), false)
  t.equal(isAlive({ ...me, boot: 'other' }), false)
  t.equal(isAlive({ ...me, pid: Number(deadPid()) }), false)
  t.equal(isAlive({ ...me, pid: Number(deadPid()), host: 'elsewhere.example' }), true, 'another host: assumed alive')
})
