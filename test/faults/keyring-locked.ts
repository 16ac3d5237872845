// Fault: the keyring's collection locked (secret-tool lock). Reading then
// needs an unlock prompt, which a session without a prompter cannot show:
// bounded, one line, get falls through; unlocked again, nothing was lost.
import t from 'tap'
import { run } from '../e2e/lib/env.js'
import { privateKeyring } from './lib/private-keyring.js'
import { GET, keyringFaultChecks, withToken } from './lib/scenario.js'
import { pat } from './lib/timed.js'

t.test('a locked keyring: bounded, one line, get falls through, nothing lost', async t => {
  const kr = await privateKeyring(t)
  const { env } = await withToken(t, 'fault-locked', kr.env)
  // secret-tool's exit status says nothing useful here; what follows shows the lock took.
  await run('secret-tool', ['lock', '--collection=login'], { env })
  await keyringFaultChecks(t, env, /keyring|keychain returned no secret|locked/)
  // Unlock as a login session does (a new daemon given the password replaces
  // the first; privateKeyring's teardown stops every daemon on its bus).
  await run('gnome-keyring-daemon', ['--unlock', '--replace', '--components=secrets'], { env: { ...process.env, ...env }, input: 'throwaway-fault-password' })
  const after = await pat(['get'], { env, input: GET })
  t.match(after.stdout, /password=fault-locked-secret-0001/, 'unlocked: the secret is still there')
})
