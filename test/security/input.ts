// Bad input through the built binary: input that was stored
// wrong, echoed, crashed, altered or accepted when it must be refused.
// Every refusal: one line on stderr, the right exit code, nothing on
// stdout for the git side, and the metadata and keychain unchanged.
import t from 'tap'
import { box, oneLine, type Box } from './lib/box.js'
import { parseCredential } from '../e2e/lib/env.js'

const get = async (b: Box, path?: string) =>
  parseCredential((await b.pat(['get'], { input: `protocol=https\nhost=ex.com\n${path ? `path=${path}\n` : ''}\n` })).stdout)

async function added(b: Box, args: string[], secret: string): Promise<string> {
  const r = await b.pat(['add', ...args, '--token-stdin', '--username', 'u'], { input: secret })
  if (r.code !== 0) throw new Error(`add ${args.join(' ')}: ${r.code} ${r.stderr}`)
  return r.stdout
}

t.test('item 7: .git is ignored once, on the last segment only; add prints what it stores', async t => {
  const b = box('dotgit')
  const out = await added(b, ['ex.com/g.git/*', '--name', 'grp'], 'secret-grp-1')
  t.match(out, /for ex\.com\/g\.git\/\* /, 'add says g.git/*')
  t.equal((await b.tokens()).find(x => x.name === 'grp')?.scope, 'ex.com/g.git/*', 'and stores g.git/*')
  t.equal((await get(b, 'g.git/x.git')).password, 'secret-grp-1', 'sent for g.git/x.git')
  t.same(await get(b, 'g/x.git'), {}, 'never for g/x.git')

  const out2 = await added(b, ['ex.com/g/r.git.git', '--name', 'repo'], 'secret-repo-2')
  const printed = /for (\S+) \(/.exec(out2)?.[1]
  t.equal((await b.tokens()).find(x => x.name === 'repo')?.scope, printed, `what add prints (${printed}) is what it stores`)
  t.equal((await get(b, 'g/r.git.git')).password, 'secret-repo-2', 'sent for the repository r.git (path g/r.git.git)')
  t.same(await get(b, 'g/r'), {}, 'not for the repository r')
  t.same(await get(b, 'g/r.git'), {}, 'nor for g/r.git (= r)')

  const st = await b.pat(['store'], { input: 'protocol=https\nhost=ex.com\npath=g/s.git.git\nusername=u\npassword=stored-secret-3\n\n' })
  t.equal(st.code, 0, st.stderr)
  t.equal((await get(b, 'g/s.git.git')).password, 'stored-secret-3', 'store: saved for the repository s.git')
  t.same(await get(b, 'g/s'), {}, 'store: not widened to s')
  const rec = (await b.tokens()).find(x => x.origin === 'store')
  t.match(rec?.scope, /^ex\.com\/g\/s\.git/, `stored scope ${rec?.scope}`)
})

const TOKENISH = ['glpat-AbCdEfGh0123456789xyz', 'ghp_0123456789abcdefABCDEF0123456789abcd', 'Zk3qP9vT2mW8rL5nX7cB4dF6']

t.test('item 8: a token given where a NAME goes is never echoed, by any command', async t => {
  const b = box('names')
  await added(b, ['ex.com', '--name', 'real'], 'secret-real-1')
  const before = await b.snapshot()
  const commands = [['show'], ['show', '--json'], ['check'], ['check', '--json'], ['rotate', '--token-stdin'], ['enable'], ['disable'], ['remove', '--yes']]
  for (const secret of TOKENISH) {
    for (const cmd of commands) {
      const args = [cmd[0], secret, ...cmd.slice(1)]
      const r = await b.pat(args, { input: 'new-secret-never-used' })
      const what = `${cmd.join(' ')} <${secret.slice(0, 5)}…>`
      t.not(r.code, 0, `${what}: refused`)
      t.notOk((r.stdout + r.stderr).includes(secret), `${what}: not echoed (${r.stderr.trim()})`)
      t.notOk((r.stdout + r.stderr).includes(secret.slice(6, 18)), `${what}: no part of it either`)
      t.ok(oneLine(r.stderr), `${what}: one line`)
    }
  }
  t.equal(await b.snapshot(), before, 'nothing changed')
})

t.test('item 9: an expiry past the last representable date keeps the token, expiry unknown', async t => {
  const b = box('expiry')
  const r = await b.pat(['store'], { input: 'protocol=https\nhost=ex.com\nusername=u\npassword=far-future-secret\npassword_expiry_utc=8640000000001\n\n' })
  t.equal(r.code, 0, 'exit 0 for a well-formed call')
  t.equal(r.stdout, '')
  t.notMatch(r.stderr, /internal error|Invalid time/)
  const tok = (await b.tokens())[0]
  t.match(tok, { expires: null }, 'saved, expiry unknown')
  t.same(await get(b), { username: 'u', password: 'far-future-secret' }, 'get sends it, without an expiry')
  const edge = await b.pat(['store'], { input: 'protocol=https\nhost=ex.com\nusername=v\npassword=edge-secret\npassword_expiry_utc=8640000000000\n\n' })
  t.equal(edge.code, 0, edge.stderr)
  t.equal((await b.tokens()).find(x => x.username === 'v')?.expires, '+275760-09-13T00:00:00.000Z', 'the last representable date is kept')
})

t.test('item 9: bytes that are not UTF-8 are refused, never altered', async t => {
  const b = box('utf8')
  await added(b, ['ex.com', '--name', 'real'], 'secret-real-1')
  const before = await b.snapshot()
  const latin1 = (s: string) => Buffer.from(s, 'latin1')
  const head = 'protocol=https\nhost=ex.com\nusername=u\npassword=plain-pw\n'
  for (const [key, value] of [
    ['password', 'ét\xe9-pw'],
    ['password', '\xe9t\xe9-pw'],
    ['credential', '\xe9'],
    ['oauth_refresh_token', '\xff'],
    ['username', 'j\xf6rg'],
    ['host', 'ex\xe9.com'],
    ['path', 'g/\xe9'],
  ]) {
    for (const op of ['store', 'get', 'erase']) {
      const input = Buffer.concat([
        Buffer.from(head),
        op === 'store' || key !== 'password' ? Buffer.from('') : Buffer.from(''),
        latin1(`${key}=${value}\n`),
        Buffer.from('\n'),
      ])
      const r = await b.raw([op], input)
      t.equal(r.code, 1, `${op} ${key}: exit 1`)
      t.equal(r.stdout, '', `${op} ${key}: nothing on stdout`)
      t.ok(oneLine(r.stderr), `${op} ${key}: one line: ${r.stderr.trim()}`)
      t.match(r.stderr, /not valid UTF-8/)
    }
  }
  const add = await b.raw(['add', 'ex.com/x', '--token-stdin', '--username', 'u', '--name', 'latin'], latin1('\xe9t\xe9-pw\n'))
  t.equal(add.code, 1, 'add --token-stdin: refused')
  t.ok(oneLine(add.stderr), add.stderr)
  const rot = await b.raw(['rotate', 'real', '--token-stdin'], latin1('\xe9t\xe9-pw\n'))
  t.equal(rot.code, 1, 'rotate --token-stdin: refused')
  t.equal(await b.snapshot(), before, 'nothing changed')
  // The same bytes as UTF-8 are a fine secret, and come back exactly.
  const utf = await b.raw(['store'], Buffer.from('protocol=https\nhost=ex.com\npath=u8\nusername=u\npassword=\u00e9t\u00e9-pw\n\n', 'utf8'))
  t.equal(utf.code, 0, utf.stderr)
})

t.test('item 10: refused as usage errors (exit 2, one line), nothing changed', async t => {
  const b = box('usage')
  await added(b, ['ex.com', '--name', 'real'], 'secret-real-1')
  const before = await b.snapshot()
  const label64 = 'a'.repeat(64)
  const host254 = [...Array(5)]
    .map(() => 'b'.repeat(50))
    .join('.')
    .slice(0, 254)
  const cases: Array<{ args: string[]; input?: string | Buffer; why: RegExp; hide?: string }> = [
    { args: ['add', 'ex.com\nevil.com'], why: /control character/ },
    { args: ['add', 'ex.com/g\x01/r'], why: /control character/ },
    { args: ['add', 'ex.com/g%0A/r'], why: /control character/ },
    { args: ['add', 'ex.com', '--name', 'a\nb'], why: /--name/ },
    { args: ['add', 'ex.com', '--name', 'a\x1b[2Jb'], why: /--name/ },
    { args: ['show', 'real\n'], why: /control character/ },
    { args: ['rotate', 're\x07al', '--token-stdin'], input: 'x-secret', why: /control character/ },
    { args: ['enable', 'a\nb'], why: /control character/ },
    { args: ['disable', 'a\rb'], why: /control character/ },
    { args: ['check', 'a\tb'], why: /control character/ },
    { args: ['add', `${label64}.example.com`], why: /longer than 63/ },
    { args: ['add', host254], why: /longer than 253/ },
    { args: ['add', 'https://user:Pl41nP4ssw0rdValue@ex.com/g/r.git'], why: /password.*command line/, hide: 'Pl41nP4ssw0rdValue' },
    { args: ['add', 'https://user:Pl41nP4ssw0rdValue@bad host'], why: /.+/, hide: 'Pl41nP4ssw0rdValue' },
    { args: ['add', 'ex.com/big', '--token-stdin', '--name', 'big', '--username', 'u'], input: 'x'.repeat(65 * 1024), why: /longer than .* bytes/ },
    { args: ['add', 'ex.com/big', '--token-stdin', '--name', 'big', '--username', 'u'], input: 'x'.repeat(70_000) + '\n', why: /longer than .* bytes/ },
    { args: ['rotate', 'real', '--token-stdin'], input: 'y'.repeat(1 << 20), why: /longer than .* bytes/ },
    { args: ['add', 'ex.com/e', '--expires', '-5d', '--token-stdin'], input: 'x-secret', why: /--expires.*negative/ },
    { args: ['add', 'ex.com/e', '--expires=-5d', '--token-stdin'], input: 'x-secret', why: /--expires.*negative/ },
    { args: ['rotate', 'real', '--expires', '-1y', '--token-stdin'], input: 'x-secret', why: /--expires.*negative/ },
    { args: ['add', 'ex.com/e', '--expires', 'soon', '--token-stdin'], input: 'x-secret', why: /--expires/ },
    { args: ['add', 'ex.com/p', '--provider', 'bogus', '--token-stdin'], input: 'x-secret', why: /--provider .*bogus.* one of: gitlab, github/ },
    { args: ['add', 'ex.com/p', '--access', 'all', '--token-stdin'], input: 'x-secret', why: /--access .*all.* one of: read, read-write/ },
    { args: ['add', 'ex.com/p', '--auth', 'digest', '--token-stdin'], input: 'x-secret', why: /--auth .*digest.* one of: basic, bearer/ },
  ]
  for (const c of cases) {
    const r = await b.raw(c.args, c.input ?? '')
    const what = JSON.stringify(c.args).slice(0, 80)
    t.equal(r.code, 2, `${what}: exit 2`)
    t.ok(oneLine(r.stderr), `${what}: one line: ${JSON.stringify(r.stderr)}`)
    t.match(r.stderr, c.why, `${what}: says why`)
    t.notMatch(r.stderr, /[\x00-\x09\x0b-\x1f\x7f]/, `${what}: no control characters echoed`)
    if (c.hide) t.notOk((r.stdout + r.stderr).includes(c.hide), `${what}: the password is not repeated`)
  }
  t.equal(await b.snapshot(), before, 'nothing changed')
  // The largest token git can read back is accepted.
  const max = 'z'.repeat(65535 - 'credential='.length)
  const ok = await b.raw(['add', 'ex.com/max', '--token-stdin', '--username', 'u', '--name', 'max'], max)
  t.equal(ok.code, 0, ok.stderr)
  t.equal((await get(b, 'max')).password, max, 'and comes back whole')
})
