// A daemon started on demand by a get keeps no
// descriptor it inherited, runs in its own session, in /. The caller here
// holds an extra descriptor open in the helper, as a shell's process
// substitution does; its reader must see EOF once the helper has exited.
// Run under npm test, the helper also inherits whatever the test runner's
// own shells left open; none of that may reach the daemon either.
import t from 'tap'
import { spawn } from 'node:child_process'
import { readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { bin, parseCredential, root, sandbox } from '../e2e/lib/env.js'
import { needsRoot } from '../lib/root.js'

const O_CLOEXEC = 0o2000000 // Linux
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

/** Session id (field 6 of /proc/<pid>/stat; the command name may hold spaces, so count after the last ')'). */
function sessionOf(pid: number | 'self'): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3])
}

/** fd number → [link target, flags] for a process. */
function fdsOf(pid: number): Map<number, [string, number]> {
  const out = new Map<number, [string, number]>()
  for (const n of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${n}`)
      const flags = parseInt(/^flags:\s*([0-7]+)/m.exec(readFileSync(`/proc/${pid}/fdinfo/${n}`, 'utf8'))![1], 8)
      out.set(Number(n), [target, flags])
    } catch {
      // closed meanwhile
    }
  }
  return out
}

t.test('Linux: /proc of another process is read here', async t => {
  t.equal(process.platform, 'linux')
})

for (const runtime of ['default', 'node'] as const)
  t.test(`a daemon started by a get holds none of the caller's descriptors, has its own session and cwd / (${runtime} runtime)`, async t => {
    const sb = sandbox('fds')
    Object.assign(sb.env, { GIT_CREDENTIAL_PAT_DAEMON: 'auto', GIT_CREDENTIAL_PAT_DAEMON_IDLE: '60' })
    if (runtime === 'node') sb.env.GIT_CREDENTIAL_PAT_RUNTIME = 'node'
    t.teardown(async () => {
      await sb.pat(['daemon', 'stop'])
      rmSync(sb.dir, { recursive: true, force: true })
    })
    await sb.addToken('gitlab.example.com', 'fds-secret-0001', ['--name', 'f'])

    // As a shell's process substitution leaves it: fd 47 of the helper is the
    // write end of a pipe, not close-on-exec, whose reader reports EOF. (Node
    // marks its lowest descriptors close-on-exec at start, so fd 3 would not
    // show the leak.)
    const script = 'exec 47> >(cat >/dev/null; echo "reader saw EOF" >&2); exec "$0" "$@"'
    const child = spawn('bash', ['-c', script, bin, 'get'], { cwd: sb.dir, env: sb.env, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout!.setEncoding('utf8').on('data', d => (stdout += d))
    child.stderr!.setEncoding('utf8').on('data', d => (stderr += d))
    const eof = () => stderr.includes('reader saw EOF')
    child.stdin!.end('protocol=https\nhost=gitlab.example.com\n\n')
    const code = await new Promise(r => child.on('exit', r))
    t.equal(code, 0)
    t.equal(parseCredential(stdout).password, 'fds-secret-0001')

    // The daemon it started in the background.
    let pid: number | undefined
    for (let i = 0; i < 200 && !pid; i++) {
      const st = JSON.parse((await sb.pat(['daemon', 'status', '--json'])).stdout)
      if (st.running) pid = st.pid
      else await sleep(50)
    }
    t.ok(pid, 'the get started a daemon')
    if (!pid) return
    if (runtime === 'node') t.match(readFileSync(`/proc/${pid}/cmdline`, 'utf8'), /node/, 'on Node')

    // Bounded: EOF must come once the helper is gone; 10 s is a limit, not a speed claim.
    for (let i = 0; i < 200 && !eof(); i++) await sleep(50)
    t.ok(eof(), 'the reader of the extra descriptor saw EOF (nobody else holds its write end)')

    // The Bun daemon makes itself not dumpable (runtime/harden.ts): only root reads its cwd and fds.
    if (runtime === 'default' && /bun/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8')) && needsRoot(t, "reading a not-dumpable daemon's /proc cwd and fd"))
      return
    t.equal(readlinkSync(`/proc/${pid}/cwd`), '/', 'the daemon works in /')
    t.not(sessionOf(pid), sessionOf('self'), 'the daemon has its own session')
    t.equal(sessionOf(pid), pid, '… and leads it (setsid)')
    const fds = fdsOf(pid)
    for (const n of [0, 1, 2]) t.equal(fds.get(n)?.[0], '/dev/null', `fd ${n} is /dev/null`)
    const inherited = [...fds].filter(([n, [, flags]]) => n > 2 && !(flags & O_CLOEXEC)).map(([n, [target]]) => `${n} -> ${target}`)
    t.same(inherited, [], 'every other descriptor is one the daemon opened itself (close-on-exec)')
  })

t.test('the same on Bun (SPEC §10), which marks inherited descriptors close-on-exec but keeps them open', async t => {
  const sb = sandbox('fds-bun')
  t.teardown(async () => {
    await sb.pat(['daemon', 'stop'])
    rmSync(sb.dir, { recursive: true, force: true })
  })
  const bun = join(root, 'node_modules', '.bin', 'bun')
  // `daemon run` in the background from a shell whose fd 47 is a process substitution.
  const script = 'exec 47> >(cat >/dev/null; echo "reader saw EOF" >&2); "$0" "$@" </dev/null >/dev/null 2>/dev/null & exit 0'
  const child = spawn('bash', ['-c', script, bun, bin, 'daemon', 'run'], { cwd: sb.dir, env: sb.env, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', d => (stderr += d))
  let pid: number | undefined
  for (let i = 0; i < 200 && !pid; i++) {
    const st = JSON.parse((await sb.pat(['daemon', 'status', '--json'])).stdout)
    if (st.running) pid = st.pid
    else await sleep(50)
  }
  t.ok(pid, 'the Bun daemon runs and answers (closing descriptors did not break it)')
  if (!pid) return
  t.match(readFileSync(`/proc/${pid}/cmdline`, 'utf8'), /bun/, 'it is Bun')
  for (let i = 0; i < 200 && !stderr.includes('reader saw EOF'); i++) await sleep(50)
  t.ok(stderr.includes('reader saw EOF'), 'the reader of the descriptor saw EOF')
  if (needsRoot(t, "reading a not-dumpable daemon's /proc fd")) return
  const pipes = [...fdsOf(pid)].filter(([n, [target]]) => n > 2 && target.startsWith('pipe:')).map(([n, [target]]) => `${n} -> ${target}`)
  t.same(pipes, [], 'no pipe held (Bun has none of its own)')
})
