// An erase with nothing to match must not wipe everything.
// git's credential-store refuses a blank pattern ("too easy to send
// accidentally"); pat needs protocol and host for any effect (docs/git-credential-pat.md, "The git side").
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { box } from '../e2e/lib/cli.js'

const ADDED = 'erase-blank-added-secret-0001'
const STORED = 'erase-blank-stored-secret-0002'

// Each input lacks protocol or host (or both); none may change anything.
const inputs: Array<[string, string]> = [
  ['empty input', ''],
  ['a blank line', '\n'],
  ['an unknown key alone', 'foo=bar\n\n'],
  ['a capability alone', 'capability[]=authtype\n\n'],
  ['a password alone', `password=${STORED}\n\n`],
  ['a username alone', 'username=u\n\n'],
  ['a path alone', 'path=g/r\n\n'],
  ['protocol without host', 'protocol=https\n\n'],
  ['host without protocol', 'host=example.com\n\n'],
  ['host and password without protocol', `host=example.com\npassword=${STORED}\n\n`],
]
// Malformed (a line without '=', a url git could not parse): exit 1, as
// every malformed call, and likewise nothing changed.
const malformed: Array<[string, string]> = [
  ['a truncated line', 'proto'],
  ['an empty url', 'url=\n\n'],
]

t.test('erase without protocol and host changes nothing', async t => {
  const sb = box('erase-blank')
  await sb.addToken('example.com/g/*', ADDED, ['--name', 'added', '--username', 'u'])
  const stored = await sb.pat(['store'], { input: `protocol=https\nhost=example.com\nusername=u\npassword=${STORED}\n\n` })
  t.equal(stored.code, 0, stored.stderr)
  const metadata = join(sb.env.GIT_CREDENTIAL_PAT_HOME!, 'tokens.json')
  const before = readFileSync(metadata, 'utf8')
  t.equal((await sb.tokens()).length, 2, 'an added and a stored token')

  for (const [what, input] of [...inputs, ...malformed]) {
    const r = await sb.pat(['erase'], { input })
    t.equal(r.code, inputs.some(i => i[0] === what) ? 0 : 1, `${what}: exit ${inputs.some(i => i[0] === what) ? 0 : 1}`)
    t.equal(r.stdout, '', `${what}: nothing on stdout`)
    t.equal(readFileSync(metadata, 'utf8'), before, `${what}: metadata unchanged`)
  }
  t.same(
    (await sb.tokens()).map(x => x.state),
    ['active', 'active'],
    'both tokens still active',
  )
  // The stored secret is still answered: the keychain item was not deleted.
  const g = await sb.pat(['get'], { input: 'protocol=https\nhost=example.com\nusername=u\n\n' })
  t.match(g.stdout, `password=${STORED}`, 'the stored credential is still answered')

  // A full erase still works, so the guard is not simply "erase nothing".
  const e = await sb.pat(['erase'], { input: `protocol=https\nhost=example.com\nusername=u\npassword=${STORED}\n\n` })
  t.equal(e.code, 0, e.stderr)
  t.same(
    (await sb.tokens()).map(x => x.name),
    ['added'],
    'an erase with protocol, host and the password deletes the stored credential',
  )
})
