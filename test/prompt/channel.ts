// When the prompt may ask, and through what: git's order of askpass
// programs, and the settings that forbid asking.
import t from 'tap'
import { promptMode, type ModeInputs } from '../../src/prompt/channel.js'

function mode(env: NodeJS.ProcessEnv, o: Partial<Omit<ModeInputs, 'env'>> = {}) {
  return promptMode({ env, interactive: () => undefined, askPass: () => undefined, hasTty: () => true, ...o })
}

t.test('promptMode follows git: askpass first, then the terminal unless forbidden', async t => {
  t.same(mode({}), { kind: 'tty' })
  t.same(mode({}, { hasTty: () => false }), null, 'no controlling terminal')
  t.same(mode({ GIT_TERMINAL_PROMPT: '0' }), null)
  t.same(mode({ GIT_TERMINAL_PROMPT: 'false' }), null)
  t.same(mode({ GIT_TERMINAL_PROMPT: '1' }), { kind: 'tty' })
  t.same(mode({ CI: 'true' }), null, 'CI without askpass')
  t.same(mode({ CI: 'false' }), { kind: 'tty' })
  t.same(mode({}, { interactive: () => 'false' }), null)
  t.same(mode({}, { interactive: () => 'never' }), null)
  t.same(mode({ GIT_ASKPASS: '/a' }, { interactive: () => 'false' }), null, 'credential.interactive=false beats askpass')
  t.same(mode({}, { interactive: () => 'true' }), { kind: 'tty' })
  // git's order: GIT_ASKPASS, core.askPass, SSH_ASKPASS.
  t.same(mode({ GIT_ASKPASS: '/a', SSH_ASKPASS: '/s' }, { askPass: () => '/c' }), { kind: 'askpass', command: '/a' })
  t.same(mode({ SSH_ASKPASS: '/s' }, { askPass: () => '/c' }), { kind: 'askpass', command: '/c' })
  t.same(mode({ SSH_ASKPASS: '/s' }), { kind: 'askpass', command: '/s' })
  t.same(mode({ GIT_ASKPASS: '', SSH_ASKPASS: '/s' }), { kind: 'tty' }, 'an empty GIT_ASKPASS wins and means no askpass')
  t.same(mode({ GIT_ASKPASS: '/a', GIT_TERMINAL_PROMPT: '0' }), { kind: 'askpass', command: '/a' }, 'as in git, askpass is allowed without terminal prompts')
  t.same(mode({ GIT_ASKPASS: '/a', CI: 'true' }, { hasTty: () => false }), { kind: 'askpass', command: '/a' })
})
