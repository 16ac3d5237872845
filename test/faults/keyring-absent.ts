// Fault: no Secret Service at all (a container, an ssh session without a
// desktop): DBUS_SESSION_BUS_ADDRESS names a socket nobody listens on.
import t from 'tap'
import { join } from 'node:path'
import { keyringFaultChecks, withToken } from './lib/scenario.js'

t.test('no keyring: bounded, one line naming --source env:/file:/exec:, get falls through', async t => {
  const { sb, env } = await withToken(t, 'fault-absent')
  const absent = { ...env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(sb.dir, 'no-bus-here')}` }
  await keyringFaultChecks(t, absent, /keyring (refused|is not answering)/)
})
