// SPEC §10: the installed launcher runs Bun, and Node when told to
// (GIT_CREDENTIAL_PAT_RUNTIME=node). Seen from outside: the executable of
// the running process, not what the program says about itself.
import t from 'tap'
import { spawn } from 'node:child_process'
import { readlinkSync } from 'node:fs'
import { basename } from 'node:path'
import { bin, sandbox } from './lib/env.js'

/** The executable behind a launcher process once it has exec'd its runtime (add waits on stdin meanwhile). */
async function exeOf(env: NodeJS.ProcessEnv): Promise<string> {
  const child = spawn(bin, ['add', 'example.com', '--token-stdin', '--name', 'rt'], { env, stdio: ['pipe', 'ignore', 'ignore'] })
  try {
    for (let i = 0; i < 400; i++) {
      const exe = basename(readlinkSync(`/proc/${child.pid}/exe`))
      if (exe !== 'dash' && exe !== 'sh' && exe !== 'bash') return exe
      await new Promise(r => setTimeout(r, 10))
    }
    return 'still a shell'
  } finally {
    child.kill('SIGKILL')
  }
}

t.test('the launcher runs Bun by default and Node with GIT_CREDENTIAL_PAT_RUNTIME=node', async t => {
  const sb = sandbox('runtime')
  const env = { ...sb.env }
  delete env.GIT_CREDENTIAL_PAT_RUNTIME
  t.equal(await exeOf(env), 'bun.exe', 'Bun (node_modules/bun/bin/bun.exe)')
  t.equal(await exeOf({ ...env, GIT_CREDENTIAL_PAT_RUNTIME: 'node' }), basename(process.execPath), 'Node')
})

t.test('both runtimes answer get the same', async t => {
  const sb = sandbox('runtime-get')
  await sb.addToken('example.com', 'runtime-secret-0001', ['--name', 'rt', '--username', 'u'])
  for (const rt of ['bun', 'node']) {
    const r = await sb.pat(['get'], { input: 'protocol=https\nhost=example.com\n\n', env: { GIT_CREDENTIAL_PAT_RUNTIME: rt } })
    t.equal(r.stdout, 'username=u\npassword=runtime-secret-0001\n', `${rt}: the answer`)
    t.equal(r.stderr, '', `${rt}: nothing on stderr`)
  }
})
