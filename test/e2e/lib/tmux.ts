// A real pseudo-terminal for end-to-end tests: a private tmux server (its
// own -L socket) runs a shell script that exports the sandbox environment
// and runs a command; tests type with send-keys and read with capture-pane.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs'
import { join } from 'node:path'

export const haveTmux = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`

export interface Pty {
  /** Everything on the screen and in the scrollback, lines joined. */
  screen(): string
  /** Type text literally (no Enter). */
  type(text: string): void
  /** Paste text the way a user pastes a token (nothing in tmux's argv). */
  paste(text: string): void
  /** Press keys by tmux name: 'Enter', 'C-c'. */
  press(...keys: string[]): void
  /** Wait until the screen matches. */
  waitFor(re: RegExp | string, ms?: number): Promise<string>
  /** Wait for the command to end; its exit status. */
  exited(ms?: number): Promise<number>
  /** Kill the tmux server. */
  close(): void
}

let seq = 0

/** Run `command` (a shell command line) in a fresh tmux window with exactly `env`. */
export function startPty(dir: string, env: NodeJS.ProcessEnv, command: string, cwd = dir): Pty {
  const id = `${process.pid}-${++seq}`
  const socket = `gcp-test-${id}`
  const script = join(dir, `pty-${id}.sh`)
  const status = join(dir, `pty-${id}.status`)
  const exports = Object.entries(env)
    .filter(([k, v]) => v !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) && !k.startsWith('TMUX'))
    .map(([k, v]) => `export ${k}=${quote(v!)}`)
  writeFileSync(
    script,
    ['#!/bin/sh', ...exports, 'export TERM=xterm', `cd ${quote(cwd)}`, command, `echo $? > ${quote(status)}`, 'exec sleep 600', ''].join('\n'),
  )
  chmodSync(script, 0o700)
  const tmuxEnv = { PATH: process.env.PATH, HOME: env.HOME, TMPDIR: process.env.TMPDIR ?? '/tmp' } as NodeJS.ProcessEnv
  const tmux = (args: string[], input?: string) => {
    const r = spawnSync('tmux', ['-L', socket, ...args], { env: tmuxEnv, input, encoding: 'utf8' })
    if (r.status !== 0 && args[0] !== 'kill-server') throw new Error(`tmux ${args[0]} failed: ${r.stderr}`)
    return r.stdout
  }
  tmux(['-f', '/dev/null', 'new-session', '-d', '-x', '220', '-y', '50', `sh ${quote(script)}`])
  const pty: Pty = {
    screen: () => tmux(['capture-pane', '-p', '-J', '-S', '-', '-t', '0']),
    type: text => void tmux(['send-keys', '-t', '0', '-l', text]),
    paste(text) {
      tmux(['load-buffer', '-b', 'p', '-'], text)
      tmux(['paste-buffer', '-d', '-b', 'p', '-t', '0'])
    },
    press: (...keys) => void tmux(['send-keys', '-t', '0', ...keys]),
    async waitFor(re, ms = 15_000) {
      const end = Date.now() + ms
      for (;;) {
        const s = pty.screen()
        if (typeof re === 'string' ? s.includes(re) : re.test(s)) return s
        if (Date.now() > end) throw new Error(`timed out waiting for ${re}; screen:\n${s}`)
        await new Promise(r => setTimeout(r, 50))
      }
    },
    async exited(ms = 30_000) {
      const end = Date.now() + ms
      while (!existsSync(status) || readFileSync(status, 'utf8').trim() === '') {
        if (Date.now() > end) throw new Error(`command did not finish; screen:\n${pty.screen()}`)
        await new Promise(r => setTimeout(r, 50))
      }
      return Number(readFileSync(status, 'utf8').trim())
    },
    close() {
      tmux(['kill-server'])
      rmSync(join('/tmp', `tmux-${process.getuid?.() ?? 0}`, socket), { force: true })
    },
  }
  return pty
}
