// Forwarding tests (test/e2e/forward-*.ts, test/security/forward-*.ts): a
// loopback forge with a team/ and an other/ repository, a host sandbox whose
// keychain holds a token for each, and what a remote side needs: its own
// home and git config, the same dist/ on PATH, no D-Bus.
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { bin } from './env.js'
import type { Sandbox } from './env.js'
import { dsandbox } from './daemon.js'
import { startGitServer, type GitServer } from './git-server.js'

export const SECRETS = { team: 'fwd-team-secret-7Qx2', other: 'fwd-other-secret-9Kp4' }

export interface ForwardHost {
  srv: GitServer
  host: Sandbox
  origin: string
}

/** The forge and the host: `team` (3 days from expiry) for origin/team/*, `other` for origin/other/*. */
export async function forwardHost(name: string): Promise<ForwardHost> {
  const srv = await startGitServer({
    repos: ['team/a', 'other/b'],
    tokens: [
      { token: SECRETS.team, paths: ['team/'], access: 'read-write' },
      { token: SECRETS.other, paths: ['other/'], access: 'read-write' },
    ],
  })
  const origin = `http://127.0.0.1:${srv.port}`
  const host = dsandbox(`fwd-${name}`)
  await host.addToken(`${origin}/team/*`, SECRETS.team, ['--name', 'team', '--username', 'u', '--expires', '3d'])
  await host.addToken(`${origin}/other/*`, SECRETS.other, ['--name', 'other', '--username', 'u'])
  return { srv, host, origin }
}

/** The remote side's environment for a home (its git config written there): no D-Bus, no daemon, the worktree's dist/ on PATH. */
export function remoteEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: `${dirname(bin)}:${process.env.PATH}`,
    HOME: home,
    LANG: 'C',
    GIT_CONFIG_GLOBAL: join(home, '.gitconfig'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CREDENTIAL_PAT_HOME: join(home, '.pat'),
    GIT_CREDENTIAL_PAT_DAEMON: 'never',
    GIT_TERMINAL_PROMPT: '0',
    ...extra,
  }
}

/** The remote's git config: our helper, with the path sent (the tokens are path-scoped). */
export const REMOTE_GITCONFIG = '[credential]\n\thelper = pat\n\tuseHttpPath = true\n[init]\n\tdefaultBranch = main\n[protocol]\n\tallow = always\n'

/**
 * The script the remote side runs: clone team/a and other/b, one get for the
 * expiry warning, each outcome into OUT. `$HOME` is the remote home.
 */
export function remoteScript(srv: GitServer, out: string): string {
  const port = srv.port
  return [
    `cd "$HOME"`,
    `git clone -q ${srv.url('team/a')} team-a 2>"${out}/team.err"; echo $? >"${out}/team.code"`,
    `git clone -q ${srv.url('other/b')} other-b 2>"${out}/other.err"; echo $? >"${out}/other.code"`,
    `printf 'protocol=http\\nhost=127.0.0.1:${port}\\npath=team/a.git\\n\\n' | git-credential-pat get >"${out}/get.out" 2>"${out}/get.err"`,
  ].join('\n')
}

export const readOut = (out: string, name: string) => (existsSync(join(out, name)) ? readFileSync(join(out, name), 'utf8') : '')

/** Files under dir (symbolic links and sockets not followed) whose bytes hold any of the secrets. */
export function filesHolding(dir: string, secrets: string[]): string[] {
  const hits: string[] = []
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name)
      const st = lstatSync(p)
      if (st.isDirectory()) walk(p)
      else if (st.isFile()) {
        const bytes = readFileSync(p)
        if (secrets.some(s => bytes.includes(s))) hits.push(p)
      }
    }
  }
  if (existsSync(dir)) walk(dir)
  return hits
}

export function writeRemoteHome(home: string): void {
  mkdirSync(home, { recursive: true })
  writeFileSync(join(home, '.gitconfig'), REMOTE_GITCONFIG)
}
