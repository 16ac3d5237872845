// `credential.pat.daemon never` does what `daemon --help` and the docs say
// (docs/git-credential-pat.md, "The daemon"): git config stops git commands
// from starting a daemon, a daemon already running is still asked until it
// stops, and GIT_CREDENTIAL_PAT_DAEMON=never in the environment stops asking
// it too. The git config is not read on the everyday get (a `git config`
// process per git command), so the help must not promise more.
import t from 'tap'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { parseCredential } from './lib/env.js'
import { cleanup, dsandbox, lastVia, runDir, sleep, status } from './lib/daemon.js'

const ASK = 'protocol=https\nhost=never.example.com\n\n'

t.test('credential.pat.daemon never in git config: what daemon --help says, and only that', async t => {
  const sb = dsandbox('never')
  delete sb.env.GIT_CREDENTIAL_PAT_DAEMON // the git config decides
  t.teardown(() => cleanup(sb))
  await sb.addToken('never.example.com', 'never-secret-0901', ['--name', 'nv', '--username', 'ci'])
  await sb.gitConfig([['credential.pat.daemon', 'never']])

  const help = await sb.pat(['daemon', '--help'])
  t.equal(help.code, 0)
  const text = help.stdout.replace(/\s+/g, ' ') // as yargs wraps it to the terminal
  t.notMatch(text, /never start or use/, 'the help does not promise that a running daemon goes unused')
  t.match(text, /# start no daemon; one running now is still used until it stops: git config --global credential\.pat\.daemon never/)
  t.match(text, /# stop it \(GIT_CREDENTIAL_PAT_DAEMON=never also stops asking it\) git-credential-pat daemon stop/)

  const get = async (env: NodeJS.ProcessEnv = {}) => parseCredential((await sb.pat(['get'], { input: ASK, env })).stdout).password
  t.equal(await get(), 'never-secret-0901')
  t.notOk((await status(sb)).running, 'get started no daemon')
  t.notOk(existsSync(join(runDir(sb), 'starting')), 'nor tried to')

  // Started by hand: still asked, as the help says.
  t.equal((await sb.pat(['daemon', 'start'])).code, 0)
  await get()
  t.equal(await get(), 'never-secret-0901')
  t.equal(lastVia(sb), 'daemon', 'a running daemon is still asked under git config never')
  t.equal(await get({ GIT_CREDENTIAL_PAT_DAEMON: 'never' }), 'never-secret-0901')
  t.equal(lastVia(sb), 'keychain', 'the environment variable stops asking it')

  t.equal((await sb.pat(['daemon', 'stop'])).code, 0)
  for (let i = 0; i < 3; i++) t.equal(await get(), 'never-secret-0901')
  await sleep(300) // a detached start would be under way by now
  t.notOk((await status(sb)).running, 'after daemon stop, no git command starts one again')
})
