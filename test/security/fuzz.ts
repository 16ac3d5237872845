// Protocol fuzzing over get/store/erase: 10,000 generated
// inputs in-process (the helper's own steps, see lib/in-process.ts) and a
// sample of 200 through the built binary, against a seeded sandbox:
// - no crash: nothing but a PatError is ever thrown, no "internal error";
// - malformed input: exit 1, one line on stderr, nothing on stdout;
// - stdout of get is protocol lines only, of store and erase nothing;
// - nothing changed (metadata bytes, keychain items) by refused input;
// - no erase effect without protocol and host (git's credential-store rule);
// - no seeded or generated secret on stderr.
// Seeded and reproducible: FUZZ_SEED=<n> replays a run; a failure prints
// the seed and the shrunk counterexample.
import t from 'tap'
import fc from 'fast-check'
import { spawn } from 'node:child_process'
import { sandbox, type Outcome, type Sandbox } from './lib/in-process.js'
import { SEEDED, operation, protocolInput, wellFormed } from './lib/generators.js'
import { bin } from './lib/box.js'
import { broken } from './lib/fuzz-rules.js'
import { useTestKeychain } from '../lib/context.js'

// As the entry point does: the keychain of this process's environment is the one in use.
useTestKeychain()

const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : 20_260_310
const RUNS = { main: 9_000, blankErase: 1_000, binary: 100 }
t.comment(`fuzz seed ${SEED} (replay with FUZZ_SEED=${SEED}); ${RUNS.main + RUNS.blankErase} in-process inputs, ${RUNS.binary} through the binary`)

let sb: Sandbox

t.before(async () => {
  sb = await sandbox('fuzz', async env => {
    const { store } = await import('../../src/git/store.js')
    const { updateMetadata } = await import('../../src/state/tokens.js')
    const { writeSecret } = await import('../../src/state/sources/index.js')
    const { statePaths } = await import('../../src/state/paths.js')
    const { parseCredential } = await import('../../src/core/protocol.js')
    // Tokens of each origin, so an erase or store has something to change.
    const now = new Date().toISOString()
    await updateMetadata(statePaths(env).metadata, async m => {
      const rec = {
        name: 'added',
        scope: 'ex.com',
        username: 'u',
        provider: 'generic',
        expires: null,
        access: 'read-write' as const,
        created: now,
        state: 'active' as const,
        source: 'keychain',
        origin: 'add' as const,
      }
      await writeSecret(rec, SEEDED.add)
      m.tokens.push(rec)
    })
    await store(parseCredential(`protocol=https\nhost=ex.com\npath=g/r\nusername=u\npassword=${SEEDED.store}\n\n`), { env, now: new Date() })
    await store(parseCredential(`protocol=https\nhost=other.org\nusername=v\npassword=${SEEDED.other}\n\n`), { env, now: new Date() })
  })
})
t.teardown(() => sb?.close())

/** One input in-process: metadata bytes compared, keychain writes counted (lib/in-process.ts). */
async function check(op: 'get' | 'store' | 'erase', input: Buffer): Promise<void> {
  const before = sb.metadataBytes()
  const o = await sb.run(op, input)
  const why = broken(op, o, sb.metadataBytes() !== before || o.keychainWrites > 0, input)
  await sb.reset()
  if (why) throw new Error(`${op}: ${why}`)
}

t.test('the change detector sees a store and an erase (else the properties below prove nothing)', async t => {
  const before = await sb.snapshot()
  const saved = await sb.run('store', Buffer.from('protocol=https\nhost=new.example\nusername=w\npassword=fresh-secret-a\n\n'))
  t.equal(saved.exit, 0, saved.stderr)
  t.ok(saved.keychainWrites > 0, 'a keychain write is counted')
  t.not(await sb.snapshot(), before, 'and shows in the full snapshot')
  await sb.reset()
  t.equal(await sb.snapshot(), before, 'reset restores the seeded state')
  const erased = await sb.run('erase', Buffer.from('protocol=https\nhost=ex.com\npath=g/r\nusername=u\n\n'))
  t.equal(erased.exit, 0, erased.stderr)
  t.ok(erased.keychainWrites > 0, 'an erase of a stored credential deletes its keychain item')
  await sb.reset()
  t.equal(await sb.snapshot(), before, 'reset again')
})

t.test('the harness catches planted leaks (else a clean run proves nothing)', async t => {
  const { say } = await import('../../src/log/stderr.js')
  const { PatError } = await import('../../src/errors.js')
  const input = Buffer.from('protocol=https\nhost=ex.com\n\n')
  const as = (o: { exit: number; stdout: string; stderr: string }) => ({ ...o, malformed: false, keychainWrites: 0 })
  // Each planted breach, and the rule that must name it.
  const planted: Array<[string, 'get' | 'store', () => unknown, RegExp]> = [
    ['a message said through say() (fd 2, not process.stderr)', 'get', () => say(`cannot read ${SEEDED.add}`), /a secret on stderr/],
    [
      'an error reported as the binary reports it',
      'store',
      () => {
        throw new PatError('KEYCHAIN', `the keychain refused ${SEEDED.store}`)
      },
      /a secret on stderr/,
    ],
    ['a trace line', 'get', () => process.stderr.write(`trace: ${SEEDED.other}\n`), /a secret on stderr/],
    ['get: a line on stdout that is not protocol', 'get', () => process.stdout.write('password=x\nnot a protocol line'), /stdout is not protocol lines/],
    ['store: anything on stdout', 'store', () => process.stdout.write('username=u\n'), /store wrote stdout/],
  ]
  for (const [what, op, plant, rule] of planted) {
    const o = await sb.capture(plant)
    t.match(broken(op, as(o), false, input) ?? 'nothing found', rule, what)
  }
  const clean = await sb.capture(() => say('an ordinary message'))
  t.equal(broken('get', as(clean), false, input), null, 'and nothing in a clean outcome')
})

t.test(`get/store/erase in-process: ${RUNS.main} inputs`, async t => {
  await fc.assert(fc.asyncProperty(operation, fc.oneof({ weight: 3, arbitrary: protocolInput }, { weight: 2, arbitrary: wellFormed }), check), {
    seed: SEED,
    numRuns: RUNS.main,
  })
  t.pass(`${RUNS.main} inputs held`)
})

t.test(`erase without protocol and host changes nothing: ${RUNS.blankErase} inputs`, async t => {
  const { parseCredential } = await import('../../src/core/protocol.js')
  const lacking = fc.oneof(protocolInput, wellFormed).filter(b => {
    try {
      const c = parseCredential(b)
      return !c.protocol || !c.host
    } catch {
      return false
    }
  })
  let seen = 0
  const seeded = await sb.snapshot()
  await fc.assert(
    fc.asyncProperty(lacking, async input => {
      seen++
      const before = sb.metadataBytes()
      const o = await sb.run('erase', input)
      const changed = sb.metadataBytes() !== before || o.keychainWrites > 0
      // Every 100th input, every keychain item is compared too.
      const full = seen % 100 === 0 ? (await sb.snapshot()) !== seeded : false
      await sb.reset()
      if (o.crash !== undefined) throw new Error(`crash: ${String(o.crash)}`)
      if (changed || full) throw new Error('erase without protocol and host changed the state')
    }),
    { seed: SEED + 1, numRuns: RUNS.blankErase },
  )
  t.equal(seen >= RUNS.blankErase, true, `${seen} erases without protocol and host, state unchanged`)
})

/** The sandbox's environment without tap's per-process instrumentation (NODE_OPTIONS --import …). */
function childEnv(): NodeJS.ProcessEnv {
  const env = { ...sb.env }
  for (const k of Object.keys(env)) if (k === 'NODE_OPTIONS' || k === 'NODE_V8_COVERAGE' || k.startsWith('_TAPJS_')) delete env[k]
  return env
}

/** Run the binary as git does (bin/ is executable: its launcher picks the runtime). */
function runBin(op: string, input: Buffer): Promise<Omit<Outcome, 'malformed' | 'keychainWrites'>> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [op], { env: childEnv(), cwd: sb.dir, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    child.stdout.setEncoding('utf8').on('data', d => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', d => (stderr += d))
    child.on('error', reject)
    child.on('close', code => {
      clearTimeout(timer)
      resolve({ exit: code ?? -1, stdout, stderr })
    })
    child.stdin.on('error', () => {})
    child.stdin.end(input)
  })
}

t.test(`through the built binary: ${RUNS.binary} inputs`, async t => {
  const { parseCredential } = await import('../../src/core/protocol.js')
  const samples = fc.sample(fc.tuple(operation, fc.oneof(protocolInput, wellFormed)), { seed: SEED + 2, numRuns: RUNS.binary })
  const failures: string[] = []
  for (const [op, input] of samples) {
    let cred: Outcome['cred']
    let malformed = false
    try {
      cred = parseCredential(input)
    } catch {
      malformed = true
    }
    const before = await sb.snapshot()
    const o = await runBin(op, input)
    const changed = (await sb.snapshot()) !== before
    await sb.reset(true)
    // A crash in a process is an "internal error" line or a signal.
    const why = o.exit < 0 ? 'killed (no answer in 20 s)' : broken(op, { ...o, malformed, cred, keychainWrites: 0 }, changed, input)
    if (why) failures.push(`${op} ${JSON.stringify(input.toString('latin1').slice(0, 200))}: ${why}`)
  }
  t.same(failures, [], `${samples.length} inputs through ${bin}`)
})
