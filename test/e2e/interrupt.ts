// Ctrl-C at the hidden token question of `add` and `rotate`:
// the terminal gets its echo back, nothing is saved, and the command
// ends as an interrupted one does, status 130. Through a real terminal:
// tmux when installed (install.sh installs it), else util-linux `script`.
import t from 'tap'
import { spawn } from 'node:child_process'
import { bin } from './lib/env.js'
import { box, listJson, showJson } from './lib/cli.js'
import { haveTmux, startPty } from './lib/tmux.js'
import type { Sandbox } from './lib/env.js'

const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`

/**
 * Run the helper on a terminal, press Ctrl-C once `ask` shows, then print
 * the terminal's echo setting (`echo` or `-echo`) as ECHO=…
 */
async function interrupted(sb: Sandbox, args: string[], ask: RegExp): Promise<{ code: number; screen: string }> {
  const line = `${[bin, ...args].map(sh).join(' ')}; r=$?; echo "ECHO=$(stty -a | tr ' ;' '\\n\\n' | grep -x -e echo -e -echo)"; (exit $r)`
  if (haveTmux) {
    const p = startPty(sb.dir, sb.env, line)
    try {
      await p.waitFor(ask)
      p.press('C-c')
      const code = await p.exited()
      await p.waitFor(/ECHO=/)
      return { code, screen: p.screen() }
    } finally {
      p.close()
    }
  }
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qefc', `${line}; echo "STATUS=$?"`, '/dev/null'], { cwd: sb.dir, env: { ...sb.env, TERM: 'xterm' } })
    let screen = ''
    let sent = false
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    child.stdout.setEncoding('utf8').on('data', d => {
      screen += d
      if (!sent && ask.test(screen)) {
        sent = true
        child.stdin.write('\x03')
      }
    })
    child.on('error', reject)
    child.on('close', () => {
      clearTimeout(timer)
      resolve({ code: Number(/STATUS=(\d+)/.exec(screen)?.[1] ?? -1), screen })
    })
  })
}

t.test('Ctrl-C at add: exit 130, echo back on, nothing saved', async t => {
  const sb = box('int-add')
  const r = await interrupted(sb, ['add', 'example.com', '--provider', 'generic', '--username', 'u', '--name', 'n'], /Token for example\.com \(input hidden\)/)
  t.equal(r.code, 130, 'status 130', { screen: r.screen })
  t.match(r.screen, /cancelled; nothing was saved/)
  t.match(r.screen, /ECHO=echo\b/, 'the terminal echoes again')
  t.same(await listJson(sb), [], 'no token was saved')
})

t.test('Ctrl-C at any other question (add asking for the username): exit 130, nothing saved', async t => {
  const sb = box('int-user')
  const r = await interrupted(sb, ['add', 'example.com', '--provider', 'generic', '--name', 'n'], /Username on example\.com/)
  t.equal(r.code, 130, 'status 130', { screen: r.screen })
  t.match(r.screen, /cancelled; nothing was saved/)
  t.same(await listJson(sb), [], 'no token was saved')
})

t.test('Ctrl-C at rotate: exit 130, echo back on, the old secret stays', async t => {
  const sb = box('int-rotate')
  await sb.addToken('example.com', 'old-secret-5b2e', ['--provider', 'generic', '--username', 'u', '--name', 'r'])
  const before = await showJson(sb, 'r')
  const r = await interrupted(sb, ['rotate', 'r'], /New token for example\.com \(input hidden\)/)
  t.equal(r.code, 130, 'status 130', { screen: r.screen })
  t.match(r.screen, /ECHO=echo\b/, 'the terminal echoes again')
  t.same(await showJson(sb, 'r'), before, 'the record is unchanged')
  const got = await sb.pat(['get'], { input: 'protocol=https\nhost=example.com\n\n' })
  t.match(got.stdout, /password=old-secret-5b2e/, 'the old secret is still sent')
})
