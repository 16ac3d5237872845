// Fault: the disk holding the metadata is full (a 64 KiB tmpfs, filled).
// A write fails with one line and changes nothing; what was saved still
// answers. Needs mount(8) with the right to mount a tmpfs: root, as in CI.
import { rootTest } from '../lib/root.js'
import { spawnSync } from 'node:child_process'
import { closeSync, mkdirSync, openSync, readFileSync, readdirSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { sandbox } from '../e2e/lib/env.js'
import { bounded, GET } from './lib/scenario.js'
import { pat } from './lib/timed.js'

rootTest('disk full: add and store fail with one line, nothing changed, get still answers', async t => {
  const sb = sandbox('fault-full')
  const mnt = join(sb.dir, 'small')
  mkdirSync(mnt)
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', mnt], { encoding: 'utf8' })
  if (m.status !== 0) {
    t.fail(`cannot mount a tmpfs to fill (${m.stderr.trim()}); this test needs root, as CI runs it`)
    return
  }
  t.teardown(() => void spawnSync('umount', ['-l', mnt]))
  const env = { ...sb.env, GIT_CREDENTIAL_PAT_HOME: join(mnt, 'pat'), GIT_CREDENTIAL_PAT_LOG: 'silent' }
  const added = await pat(['add', 'http://127.0.0.1/g/*', '--token-stdin', '--username', 'u', '--name', 'grp'], { env, input: 'fault-full-secret-0001' })
  t.equal(added.code, 0, added.stderr)
  const file = join(mnt, 'pat', 'tokens.json')
  const before = readFileSync(file)

  // Fill every block left.
  const fd = openSync(join(mnt, 'filler'), 'w')
  const chunk = Buffer.alloc(4096, 0x61)
  try {
    for (;;) writeSync(fd, chunk)
  } catch (e) {
    t.equal((e as NodeJS.ErrnoException).code, 'ENOSPC', 'the disk is full')
  } finally {
    closeSync(fd)
  }

  const add = await pat(['add', 'http://127.0.0.1/other/*', '--token-stdin', '--username', 'u', '--name', 'more'], { env, input: 'fault-full-more-0002' })
  bounded(t, 'add', add)
  t.equal(add.code, 1, 'add fails')
  t.match(add.stderr, /disk full/, `add: says the disk is full (${add.stderr.trim()})`)
  t.notMatch(add.stderr, /internal error/)
  const store = await pat(['store'], { env, input: 'protocol=http\nhost=127.0.0.1\npath=s/r\nusername=u\npassword=fault-full-store-0003\n\n' })
  bounded(t, 'store', store)
  t.match(store.stderr, /disk full/, 'store: says the disk is full')
  t.notMatch(store.stderr, /internal error/)
  t.ok(readFileSync(file).equals(before), 'the metadata file is unchanged')
  t.same(
    readdirSync(join(mnt, 'pat')).filter(f => f.startsWith('tokens.json')),
    ['tokens.json'],
    'no lock or temporary file left',
  )
  const get = await pat(['get'], { env, input: GET })
  t.match(get.stdout, /password=fault-full-secret-0001/, 'the saved token still answers')
})
