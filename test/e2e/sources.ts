// Secret sources other than the keychain: env:VAR, file:PATH and
// exec:COMMAND, through the built binary as git calls it.
import t from 'tap'
import { chmodSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sandbox, parseCredential } from './lib/env.js'

const q = (host: string) => `protocol=https\nhost=${host}\n\n`
const S = { env: 'env-source-secret-0001', file: 'file-source-secret-0002', exec: 'exec-source-secret-0003' }

t.test('env:VAR', async t => {
  const sb = sandbox('src-env')
  const added = await sb.pat(['add', 'env.example.com', '--source', 'env:CI_TOKEN', '--username', 'ci', '--name', 'e'])
  t.equal(added.code, 0, added.stderr)
  const got = await sb.pat(['get'], { input: q('env.example.com'), env: { CI_TOKEN: S.env } })
  t.same(parseCredential(got.stdout), { username: 'ci', password: S.env })
  const unset = await sb.pat(['get'], { input: q('env.example.com') })
  t.equal(unset.code, 0)
  t.equal(unset.stdout, '', 'nothing for git without the variable')
  t.match(unset.stderr, /token 'e': environment variable CI_TOKEN is not set/)
  t.notMatch(readFileSync(join(sb.env.GIT_CREDENTIAL_PAT_HOME!, 'tokens.json'), 'utf8'), S.env)
})

t.test('file:PATH, refused unless private to the user', async t => {
  const sb = sandbox('src-file')
  const secretFile = join(sb.dir, 'token')
  writeFileSync(secretFile, `${S.file}\nsecond line ignored\n`, { mode: 0o600 })
  const added = await sb.pat(['add', 'file.example.com', '--source', `file:${secretFile}`, '--username', 'ci', '--name', 'f'])
  t.equal(added.code, 0, added.stderr)
  const got = await sb.pat(['get'], { input: q('file.example.com') })
  t.same(parseCredential(got.stdout), { username: 'ci', password: S.file }, 'the first line of the file')
  chmodSync(secretFile, 0o644)
  const open = await sb.pat(['get'], { input: q('file.example.com') })
  t.equal(open.stdout, '', 'a file readable by others is not used')
  t.match(open.stderr, /open to other users \(mode 644\).*chmod 600/)
  t.notMatch(open.stderr, S.file)
})

t.test('exec:COMMAND', async t => {
  const sb = sandbox('src-exec')
  // A secrets manager stand-in: the secret is in its store, not in the command.
  const manager = join(sb.dir, 'manager.sh')
  writeFileSync(manager, `#!/bin/sh\nprintf '%s\\n' '${S.exec}' 'second line ignored'\n`, { mode: 0o700 })
  const added = await sb.pat(['add', 'exec.example.com', '--source', `exec:${manager} show git/exec`, '--username', 'ci', '--name', 'x'])
  t.equal(added.code, 0, added.stderr)
  const got = await sb.pat(['get'], { input: q('exec.example.com') })
  t.same(parseCredential(got.stdout), { username: 'ci', password: S.exec })
  await sb.pat(['add', 'fail.example.com', '--source', 'exec:echo oops >&2; exit 3', '--username', 'ci', '--name', 'y'])
  const failed = await sb.pat(['get'], { input: q('fail.example.com') })
  t.equal(failed.code, 0)
  t.equal(failed.stdout, '')
  t.match(failed.stderr, /token 'y': the source command failed with exit 3/)
  const list = await sb.pat(['list', '--json'])
  t.notMatch(list.stdout + list.stderr, S.exec, 'list never shows the secret')
})

t.test('a bad --source is a usage error', async t => {
  const sb = sandbox('src-bad')
  const r = await sb.pat(['add', 'x.example.com', '--source', 'vault:thing', '--username', 'u'])
  t.equal(r.code, 2)
  t.match(r.stderr, /--source must be keychain, env:VAR, file:PATH or exec:COMMAND/)
  t.same(await sb.tokens(), [], 'nothing was added')
})
