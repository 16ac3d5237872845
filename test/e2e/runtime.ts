// The installed launcher runs Bun, and Node when told to
// (GIT_CREDENTIAL_PAT_RUNTIME=node). Seen from outside: the executable of
// the running process, not what the program says about itself.
import t from 'tap'
import { spawn } from 'node:child_process'
import { existsSync, readlinkSync, symlinkSync } from 'node:fs'
import { basename, join } from 'node:path'
import { bin, root, run, sandbox, shBin } from './lib/env.js'

/** Both launchers: the one install.sh links (Bun from its #! line, where built) and the portable sh one. */
const LAUNCHERS = [...new Set([bin, shBin])]
t.ok(
  existsSync(join(root, 'node_modules', 'bun', 'bin', 'bun.exe')) === (bin !== shBin),
  'where Bun is installed, the build made the #! launcher and the tests run it',
)

/**
 * The executable a launcher process settles on once it has exec'd its
 * runtime (add waits on stdin meanwhile): polled until it is `want`, since
 * the #! launcher is Bun before it execs Node.
 */
async function exeOf(launcher: string, env: NodeJS.ProcessEnv, want: string): Promise<string> {
  const child = spawn(launcher, ['add', 'example.com', '--token-stdin', '--name', 'rt'], { env, stdio: ['pipe', 'ignore', 'ignore'] })
  let exe = 'none yet'
  try {
    for (let i = 0; i < 400 && exe !== want; i++) {
      exe = basename(readlinkSync(`/proc/${child.pid}/exe`))
      if (exe !== want) await new Promise(r => setTimeout(r, 10))
    }
    return exe
  } finally {
    child.kill('SIGKILL')
  }
}

for (const launcher of LAUNCHERS) {
  const which = launcher === shBin ? 'bin/ (sh)' : 'dist/bin/ (#!)'
  t.test(`${which}: Bun by default and Node with GIT_CREDENTIAL_PAT_RUNTIME=node`, async t => {
    const sb = sandbox('runtime')
    const env = { ...sb.env }
    delete env.GIT_CREDENTIAL_PAT_RUNTIME
    t.equal(await exeOf(launcher, env, 'bun.exe'), 'bun.exe', 'Bun (node_modules/bun/bin/bun.exe)')
    t.equal(await exeOf(launcher, { ...env, GIT_CREDENTIAL_PAT_RUNTIME: 'node' }, basename(process.execPath)), basename(process.execPath), 'Node')
  })

  t.test(`${which}: both runtimes answer get the same, also through a link (as install.sh puts it on PATH)`, async t => {
    const sb = sandbox('runtime-get')
    await sb.addToken('example.com', 'runtime-secret-0001', ['--name', 'rt', '--username', 'u'])
    const link = join(sb.dir, 'git-credential-pat')
    symlinkSync(launcher, link)
    for (const path of [launcher, link])
      for (const rt of ['bun', 'node']) {
        const r = await run(path, ['get'], { input: 'protocol=https\nhost=example.com\n\n', env: { ...sb.env, GIT_CREDENTIAL_PAT_RUNTIME: rt } })
        t.equal(r.stdout, 'username=u\npassword=runtime-secret-0001\n', `${rt}, ${path === link ? 'link' : 'launcher'}: the answer`)
        t.equal(r.stderr, '', `${rt}: nothing on stderr`)
      }
  })
}
