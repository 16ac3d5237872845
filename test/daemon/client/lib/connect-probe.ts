// Run by Bun (test/daemon/client/connect.ts): the exchanges of
// connect-scenarios.ts through the libc and Bun.connect backends, and
// through connectUnix before and after git's path loads the bindings; JSON
// on stdout.
import { libc } from '../../../../src/runtime/libc.js'
import { connectUnix } from '../../../../src/daemon/client/connect.js'
import { libcConnect } from '../../../../src/daemon/client/connect-libc.js'
import { bunConnect } from '../../../../src/daemon/client/connect-bun.js'
import { runtime } from '../../../../src/runtime/choose.js'
import { scenarios, type Paths } from './connect-scenarios.js'

const paths = JSON.parse(process.argv[2]) as Paths
const out: Record<string, unknown> = {}
out.bun = await scenarios((p, on) => bunConnect(runtime.bun!, p, on), paths)
// Before anything loaded the bindings, connectUnix uses Bun.connect: the libc socket would have nothing to read.
out.chosenBefore = await scenarios(connectUnix, paths)
const c = libc()
if (!c) out.error = 'libc() is null under Bun on this machine'
else {
  out.libc = await scenarios((p, on, ms) => libcConnect(c, p, on, ms), paths)
  // Counted, to see that connectUnix now takes the libc backend.
  const connectVia = c.connectUnix.bind(c)
  let calls = 0
  c.connectUnix = path => (calls++, connectVia(path))
  out.chosenAfter = await scenarios(connectUnix, paths)
  out.libcConnects = calls
}
process.stdout.write(JSON.stringify(out))
