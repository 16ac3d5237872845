// One request from git (src/git/helper.ts), run as git runs it: in a
// process of its own, the request on stdin; the answer on stdout and nothing
// else there, a malformed request refused with one line and exit 1, a request that
// is not http(s) left alone, and an unreadable metadata file reported
// without failing git's get.
import t from 'tap'
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tokenRecord } from '../lib/token.js'
import { home } from './lib/home.js'

const probe = join(import.meta.dirname, 'lib/run-helper.ts')
const GET = 'protocol=https\nhost=gitlab.example.com\npath=team/app.git\n\n'

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** The requests, in order, in one helper process (the first one's input on stdin); each one's exit code and output. */
function helper(requests: Array<[string, string]>, env: NodeJS.ProcessEnv): Promise<Run[]> {
  const [[, stdin]] = requests
  const pairs = requests.map(([op, input], i) => [op, i === 0 ? null : input])
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [...process.execArgv, probe, JSON.stringify(pairs)], { env, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', d => (stdout += d))
    child.stderr.on('data', d => (stderr += d))
    child.on('error', fail)
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.on('close', status => {
      clearTimeout(timer)
      const outs = stdout.split('\0')
      const errs = stderr.split('\0')
      if (status !== 0 || outs.length !== requests.length + 1) return fail(new Error(`helper process: exit ${status}\n${stderr}`))
      const codes = JSON.parse(outs.pop()!) as number[]
      ok(codes.map((code, i) => ({ code, stdout: outs[i], stderr: errs[i] })))
    })
    child.stdin.end(stdin)
  })
}

const records = (metadata: string) => JSON.parse(readFileSync(metadata, 'utf8')).tokens as Array<Record<string, unknown>>

t.test('get: the answer on stdout, exit 0', async t => {
  const h = home(t, 'helper-get')
  h.write([tokenRecord({ name: 'host', scope: 'gitlab.example.com', source: 'env:HOST_TOKEN' })])
  const [r, none] = await helper(
    [
      ['get', GET],
      ['get', 'protocol=https\nhost=github.com\n\n'],
    ],
    { ...h.env, HOST_TOKEN: 'glpat-host' },
  )
  t.same(r, { code: 0, stdout: 'username=oauth2\npassword=glpat-host\n', stderr: '' })
  t.same(none, { code: 0, stdout: '', stderr: '' }, 'no token for the host: nothing, exit 0')
})

t.test('not http(s): nothing said, nothing read, exit 0', async t => {
  const h = home(t, 'helper-ssh')
  writeFileSync(join(h.dir, 'pat'), 'a file where the home should be')
  const ops = ['get', 'store', 'erase']
  const runs = await helper(
    ops.map(op => [op, 'protocol=ssh\nhost=gitlab.example.com\nusername=git\npassword=x\n\n']),
    h.env,
  )
  runs.forEach((r, i) => t.same(r, { code: 0, stdout: '', stderr: '' }, ops[i]))
})

t.test('malformed input: one line on stderr, exit 1, nothing on stdout', async t => {
  const h = home(t, 'helper-bad')
  h.write([tokenRecord({ name: 'host', scope: 'gitlab.example.com', source: 'env:HOST_TOKEN' })])
  const ops = ['get', 'store', 'erase']
  const runs = await helper(
    ops.map(op => [op, 'protocol=https\nhost gitlab.example.com\n\n']),
    { ...h.env, HOST_TOKEN: 'glpat-host' },
  )
  for (const [i, op] of ops.entries()) {
    const r = runs[i]
    t.equal(r.code, 1, `${op}: exit 1, as for any malformed request from git`)
    t.equal(r.stdout, '')
    t.match(r.stderr, /^git-credential-pat: malformed input: invalid credential line 2 \(not key=value\)\n$/)
  }
})

t.test('an unreadable metadata file: said on stderr; get still exits 0, store fails', async t => {
  const h = home(t, 'helper-corrupt')
  h.write([])
  writeFileSync(h.metadata, '{ not json')
  const [get, store] = await helper(
    [
      ['get', GET],
      ['store', `${GET.trimEnd()}\nusername=oauth2\npassword=glpat-x\n\n`],
    ],
    h.env,
  )
  t.equal(get.code, 0, 'git goes on to its next helper')
  t.equal(get.stdout, '')
  t.match(get.stderr, /^git-credential-pat: .*tokens\.json/)
  t.not(store.code, 0, 'store: the failure is the exit status')
  t.equal(store.stdout, '')
  t.match(store.stderr, /tokens\.json/)
})

t.test('store records the use of a known token; erase after a refusal rejects it', async t => {
  const h = home(t, 'helper-store')
  // No forge API for this provider: erase asks no server whether the token still works.
  h.write([tokenRecord({ name: 'host', scope: 'gitlab.example.com', provider: 'other', source: 'env:HOST_TOKEN' })])
  const env = { ...h.env, HOST_TOKEN: 'glpat-host' }
  const sent = `${GET.trimEnd()}\nusername=oauth2\npassword=glpat-host\n\n`
  const [store] = await helper([['store', sent]], env)
  t.same(store, { code: 0, stdout: '', stderr: '' })
  t.type(records(h.metadata)[0].lastUsed, 'string', 'the last use recorded')
  const [erase] = await helper([['erase', sent]], env)
  t.equal(erase.code, 0)
  t.equal(erase.stdout, '')
  t.match(erase.stderr, /token 'host'/, 'the refusal is said')
  t.equal(records(h.metadata)[0].state, 'rejected')
})
