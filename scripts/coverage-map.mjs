// tap's coverage map (as in isaacs/rimraf): a unit test covers the source
// file it mirrors, test/X/Y.ts → src/X/Y.ts; end-to-end, security and
// fault tests run the built binary and map to no source file.
import { existsSync } from 'node:fs'

export default function coverageMap(testFile) {
  const m = /^test\/(.+\.ts)$/.exec(testFile.replace(/\\/g, '/'))
  if (!m || /^(e2e|security|faults|lib)\//.test(m[1])) return null
  const src = `src/${m[1]}`
  return existsSync(src) ? src : null
}
