// The coverage floor of the layers that decide what git gets: every file of
// src/core/ and src/git/ has a unit test mirroring it (scripts/coverage-map.mjs
// maps test/X/Y.ts to src/X/Y.ts), and together each folder's lines are at
// least 90 % covered by those tests. Run by scripts/test.sh after a full tap
// run; reads tap's json-summary report.
//   node scripts/coverage-check.mjs [.tap/report/coverage-summary.json]
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'

const FLOOR = 90
const FOLDERS = ['src/core', 'src/git']
const root = resolve(new URL('..', import.meta.url).pathname)
const file = process.argv[2] ?? join(root, '.tap/report/coverage-summary.json')
const summary = JSON.parse(readFileSync(file, 'utf8'))
const byFile = new Map(Object.entries(summary).map(([f, v]) => [relative(root, f), v.lines]))

let failed = false
for (const folder of FOLDERS) {
  let total = 0
  let covered = 0
  const untested = []
  for (const name of readdirSync(join(root, folder))
    .filter(n => n.endsWith('.ts'))
    .sort()) {
    const lines = byFile.get(`${folder}/${name}`)
    if (!lines) untested.push(name)
    else {
      total += lines.total
      covered += lines.covered
    }
  }
  const pct = total ? (100 * covered) / total : 0
  const ok = untested.length === 0 && pct >= FLOOR
  failed ||= !ok
  console.log(
    `# coverage ${folder}: ${pct.toFixed(1)} % of ${total} lines` +
      (untested.length ? `; no mirroring test: ${untested.join(', ')}` : '') +
      (ok ? '' : ` (floor: ${FLOOR} %, and a test for every file)`),
  )
}
process.exit(failed ? 1 : 0)
