// Fault: the keyring daemon killed (kill -9) under a running session. No
// restart: every command is bounded and says what is wrong; get falls through.
import t from 'tap'
import { privateKeyring } from './lib/private-keyring.js'
import { keyringFaultChecks, withToken } from './lib/scenario.js'

t.test('a killed keyring: bounded, one line, get falls through', async t => {
  const kr = await privateKeyring(t)
  const { env } = await withToken(t, 'fault-killed', kr.env)
  kr.kill()
  await keyringFaultChecks(t, env, /keyring (refused|is not answering)/)
})
