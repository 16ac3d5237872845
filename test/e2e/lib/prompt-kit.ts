// What the prompt's end-to-end tests share (prompt.ts, renew.ts): sandboxes
// that use the helper against one loopback server as a GitLab, the
// interactive user's environment, and `git clone` in a real pseudo-terminal.
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { sandbox, type Sandbox } from './env.js'
import type { GitServer } from './git-server.js'
import { startPty, type Pty } from './tmux.js'

interface Teardown {
  teardown(fn: () => unknown): void
}

export function promptKit(srv: GitServer) {
  const origin = `http://127.0.0.1:${srv.port}`

  /** A sandbox using our helper, with the loopback host as a GitLab and, unless told otherwise, paths sent. */
  async function patSandbox(t: Teardown, name: string, o: { useHttpPath?: boolean } = {}): Promise<Sandbox> {
    const sb = sandbox(name)
    t.teardown(() => sb.pat(['daemon', 'stop']).then(() => {}))
    await sb.gitConfig([
      ['credential.helper', 'pat'],
      [`credential.${origin}.patProvider`, 'gitlab'],
      ...(o.useHttpPath === false ? [] : ([[`credential.${origin}.useHttpPath`, 'true']] as Array<[string, string]>)),
    ])
    return sb
  }

  /** The sandbox environment as an interactive user has it: terminal prompts on. */
  function ttyEnv(sb: Sandbox, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    const env = { ...sb.env, ...extra }
    delete env.GIT_TERMINAL_PROMPT
    delete env.CI
    return env
  }

  const pendingFiles = (sb: Sandbox) => {
    const dir = join(sb.env.GIT_CREDENTIAL_PAT_HOME!, 'pending')
    return existsSync(dir) ? readdirSync(dir) : []
  }

  /** The tokens the server saw for a repository since request number `from`. */
  const seen = (repo: string, from: number) => srv.tokensSeen(repo, from)

  /** Run `git clone` in a pty; `interact` answers the prompt. */
  async function cloneInPty(sb: Sandbox, repo: string, dest: string, interact: (p: Pty) => Promise<void>, extra: NodeJS.ProcessEnv = {}) {
    const p = startPty(sb.dir, ttyEnv(sb, extra), `git clone ${srv.url(repo)} ${dest}`)
    try {
      await interact(p)
      const code = await p.exited()
      return { code, screen: p.screen() }
    } finally {
      p.close()
    }
  }

  return { origin, patSandbox, ttyEnv, pendingFiles, seen, cloneInPty }
}
