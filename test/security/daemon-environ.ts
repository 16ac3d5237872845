// The daemon holds only what it needs (docs/git-credential-pat.md, "The
// daemon"): started from an environment that carries an env: token's value,
// its own environment (/proc/<pid>/environ) has no trace of it; under Bun on
// Linux it is not dumpable and dumps no core, as ssh-agent makes itself
// (platform_disable_tracing). The daemon runs as a second uid: a process that
// is not dumpable has its /proc/<pid> files owned by root instead of by its
// own uid (proc(5)), which is how dumpability shows from outside.
import t from 'tap'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { bin } from '../e2e/lib/env.js'

const SECRET = 'ghp_DaemonEnvironLeak0123456789abcdefABCD'
const root = process.getuid?.() === 0
const linux = process.platform === 'linux'

t.test(
  "the daemon keeps none of its starter environment's secrets, and under Bun is not dumpable",
  { skip: !linux ? 'Linux only (/proc)' : !root ? 'needs root to run the daemon as a second uid' : false },
  async t => {
    const dir = mkdtempSync('/tmp/pat-environ-')
    execFileSync('chown', ['nobody:nogroup', dir])
    t.teardown(() => rmSync(dir, { recursive: true, force: true }))
    const env = {
      HOME: dir,
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      XDG_RUNTIME_DIR: join(dir, 'run'),
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CREDENTIAL_PAT_HOME: join(dir, 'pat'),
      GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE: 'git-credential-pat-environ-test',
      GIT_CREDENTIAL_PAT_RUNTIME: process.env.GIT_CREDENTIAL_PAT_RUNTIME ?? '',
      // An env: token's variable, and one of any other name.
      PAT_ENV_TOKEN: SECRET,
      SOME_OTHER_SECRET: SECRET,
    }
    const asNobody = (...args: string[]) => asNobodyWith('', ...args)
    const asNobodyWith = (input: string, ...args: string[]) =>
      spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', bin, ...args], { env, cwd: dir, input, encoding: 'utf8', timeout: 20_000 })
    execFileSync('install', ['-d', '-o', 'nobody', '-g', 'nogroup', '-m', '700', env.XDG_RUNTIME_DIR, env.GIT_CREDENTIAL_PAT_HOME])
    const started = asNobody('daemon', 'start')
    t.teardown(() => void asNobody('daemon', 'stop'))
    const pid = /pid (\d+)/.exec(started.stdout)?.[1]
    t.ok(pid, `the daemon started: ${started.stdout.trim()} ${started.stderr.trim()}`)
    if (!pid) return
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean)
    t.ok(environ.includes(`GIT_CREDENTIAL_PAT_HOME=${env.GIT_CREDENTIAL_PAT_HOME}`), 'it has what it needs')
    t.notOk(environ.join('\n').includes(SECRET), 'no secret from its starter in /proc/<pid>/environ')
    t.notOk(
      environ.some(e => e.startsWith('PAT_ENV_TOKEN=') || e.startsWith('SOME_OTHER_SECRET=')),
      'nor the variables that held them',
    )
    const bun = !readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0].endsWith('node')
    const limits = readFileSync(`/proc/${pid}/limits`, 'utf8')
    if (bun) {
      t.match(limits, /^Max core file size\s+0\s+0\s/m, 'its core limit is 0')
      t.equal(statSync(`/proc/${pid}/environ`).uid, 0, 'it is not dumpable: its /proc files belong to root, not to its uid')
    } else {
      t.comment('under Node the daemon cannot change its dumpability or core limit; doctor says so')
    }

    // The daemon never sees an env: token's variable; the process answers it.
    const added = asNobody('add', 'https://github.com', '--source', 'env:PAT_ENV_TOKEN', '--no-check', '--name', 'envtok')
    t.equal(added.status, 0, `an env: token is added: ${added.stderr.trim()}`)
    const got = asNobodyWith('protocol=https\nhost=github.com\n\n', 'get')
    t.match(got.stdout, `password=${SECRET}\n`, 'get still answers it, with the daemon running')
    t.equal(asNobody('daemon', 'status').status, 0, 'and the daemon is still there')
  },
)
