// Run by test/state/lock.ts as a process of its own. `count FILE N`: N
// read-increment-write rounds of FILE under its lock, each one noting on
// FILE.inside that it is in and failing if another writer is. `hold FILE`:
// takes the lock, says "held" on stdout and keeps it until killed.
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { withLock } from '../../../src/state/lock.js'

const [mode, file, n] = process.argv.slice(2)
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

if (mode === 'hold') {
  await withLock(file, async () => {
    process.stdout.write('held\n')
    await new Promise(() => setInterval(() => {}, 1 << 30))
  })
} else {
  for (let i = 0; i < Number(n); i++) {
    await withLock(file, async () => {
      if (existsSync(`${file}.inside`)) throw new Error(`two writers at once: ${readFileSync(`${file}.inside`, 'utf8')} and ${process.pid}`)
      writeFileSync(`${file}.inside`, String(process.pid))
      const v = Number(readFileSync(file, 'utf8'))
      await sleep(1)
      writeFileSync(file, String(v + 1))
      unlinkSync(`${file}.inside`)
    })
  }
}
