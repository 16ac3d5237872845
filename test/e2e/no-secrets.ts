// No secret in the stdout/stderr of any management
// command (including the error paths where a token is pasted by mistake), in
// the argv `ps` shows, in the metadata file or anything else in the state
// directory, or in git config.
import t from 'tap'
import { spawn } from 'node:child_process'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { bin, run, type RunResult } from './lib/env.js'
import { startGitServer } from './lib/git-server.js'
import { box, ok } from './lib/cli.js'

t.test('no secret in output, argv, metadata or log', async t => {
  const sb = box('secrets')
  const secrets = ['glpat-NeverShowMe0000000001', 'Zk3qP9vT2mW8rL5nX7cB4dF6', 'plain-but-secret-1234']
  const outputs: string[] = []
  const record = (r: RunResult) => {
    outputs.push(r.stdout, r.stderr)
    return r
  }
  const srv = await startGitServer({ repos: ['g/r'], tokens: [] })
  t.teardown(() => srv.close())
  const origin = `http://127.0.0.1:${srv.port}`

  // While `add` waits on stdin, what `ps` shows is only the command line.
  const child = spawn(bin, ['add', `${origin}/g/*`, '--token-stdin', '--username', 'u', '--name', 'n0', '--expires', '30d'], {
    env: sb.env,
    cwd: sb.dir,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.setEncoding('utf8').on('data', d => (out += d))
  child.stderr.setEncoding('utf8').on('data', d => (out += d))
  await new Promise(r => setTimeout(r, 600))
  t.equal(child.exitCode, null, 'add is waiting for the token', { out })
  const cmdline = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0')
  t.ok(cmdline.includes('--token-stdin'), 'this is the add process')
  const ps = await run('ps', ['-o', 'args=', '-p', String(child.pid)])
  child.stdin.end(secrets[0])
  const code = await new Promise(r => child.on('close', r))
  t.equal(code, 0, out)
  outputs.push(out)
  for (const s of secrets) {
    t.notMatch(cmdline.join(' '), s, 'not in /proc/PID/cmdline')
    t.notMatch(ps.stdout, s, 'not in ps')
  }

  record(await ok(sb, ['add', 'gitlab.example.com', '--token-stdin', '--name', 'n1', '--expires', '3d'], secrets[1]))
  record(await ok(sb, ['add', 'github.com/a/b', '--token-stdin', '--name', 'n2', '--description', 'x'], secrets[2]))
  srv.addToken({ token: secrets[0], paths: ['g/'], access: 'read-write' })
  await ok(sb, ['setup'])
  const clone = await sb.git(['clone', srv.url('g/r'), 'r'])
  t.equal(clone.code, 0, clone.stderr)
  outputs.push(clone.stdout, clone.stderr)
  // Read-only commands in parallel; the state changes in order.
  for (const r of await Promise.all(
    [['list'], ['list', '--json'], ['show', 'n0'], ['show', 'n1', '--json'], ['show', 'n2'], ['doctor'], ['doctor', '--json'], ['--help'], ['completion']].map(
      args => sb.pat(args),
    ),
  )) {
    record(r)
  }
  for (const args of [['disable', 'n2'], ['enable', 'n2'], ['setup']]) record(await sb.pat(args))
  record(await ok(sb, ['rotate', 'n2', '--token-stdin'], secrets[2]))
  // Mistakes that put a secret where a name or flag belongs (they change
  // nothing, so they run in parallel).
  const mistakes = secrets.flatMap(s => [
    ['show', s],
    ['rotate', s, '--token-stdin'],
    ['remove', s, '--yes'],
    ['enable', s],
    ['add', 'gitlab.com', s],
    ['add', s, '--token-stdin'],
    ['add', 'gitlab.com', '--token', s],
    ['add', 'gitlab.com', '--provider', s],
    ['add', 'gitlab.com', '--access', s],
    ['list', s],
    ['list', `--${s}`],
    ['list', '--token', s],
    [s],
    ['doctor', s],
    ['setup', s],
  ])
  for (let i = 0; i < mistakes.length; i += 6) {
    const batch = mistakes.slice(i, i + 6)
    const results = await Promise.all(batch.map(args => sb.pat(args, { input: 'x' })))
    results.forEach((r, k) => {
      record(r)
      t.not(r.code, 0, batch[k].map(a => (secrets.includes(a) ? 'SECRET' : a)).join(' '))
    })
  }
  record(await ok(sb, ['remove', 'n0', 'n1', 'n2', '--yes']))

  const everything = outputs.join('\n')
  t.ok(everything.length > 1000, 'collected output')
  for (const s of secrets) t.notMatch(everything, s, `no secret on stdout/stderr: ${s.slice(0, 6)}…`)
  const files: string[] = []
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f)
      if (statSync(p).isDirectory()) walk(p)
      else files.push(p)
    }
  }
  walk(join(sb.dir, 'pat'))
  t.ok(
    files.some(f => f.endsWith('tokens.json')),
    'the metadata file exists',
  )
  for (const f of files) {
    const text = readFileSync(f, 'utf8')
    for (const s of secrets) t.notMatch(text, s, `not in ${f.slice(sb.dir.length)}`)
  }
  const gitconfig = readFileSync(join(sb.dir, 'home', '.gitconfig'), 'utf8')
  for (const s of secrets) t.notMatch(gitconfig, s, 'not in git config')
})
