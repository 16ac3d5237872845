// A metadata file big enough (here ~500 KB, 2,000 records) that `get` maps
// it under Bun instead of reading it (state/tokens.ts readBytes): the right
// token for a host, a repository and a group, and none for an unknown host,
// under Bun and under Node alike, and a change made by the CLI is seen by
// the next get.
import t from 'tap'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseCredential, sandbox } from './lib/env.js'
import { serialize, type Metadata } from '../../src/state/tokens.js'

const HOST = 'many.example.com'
const SECRET = { host: 'many-host-token-0001', repo: 'many-repo-token-0002', group: 'many-group-token-0003' }

t.test('2,000 tokens: each request gets the token that fits, under Bun and Node', async t => {
  const sb = sandbox('many')
  sb.env.GIT_CREDENTIAL_PAT_DAEMON = 'never'
  await sb.addToken(HOST, SECRET.host, ['--name', 'host', '--username', 'u'])
  await sb.addToken(`${HOST}/team/app`, SECRET.repo, ['--name', 'repo', '--username', 'u'])
  await sb.addToken(`${HOST}/team/*`, SECRET.group, ['--name', 'group', '--username', 'u'])
  const file = join(sb.env.GIT_CREDENTIAL_PAT_HOME!, 'tokens.json')
  const meta = JSON.parse(readFileSync(file, 'utf8')) as Metadata
  const proto = meta.tokens[0]
  for (let i = 0; i < 2000; i++) {
    // Other hosts, and other paths of this host, as a fleet's file has them.
    const scope = i % 10 === 0 ? `${HOST}/other-${i}/*` : `host-${i}.example.org/group-${i % 97}/repo-${i}`
    meta.tokens.push({ ...proto, name: `filler-${i}`, scope, source: `env:UNUSED_${i}` })
  }
  writeFileSync(file, serialize(meta))
  t.ok(statSync(file).size > 64 * 1024, `the file is big enough to be mapped (${statSync(file).size} bytes)`)

  const ask = (host: string, path?: string) => `protocol=https\nhost=${host}\n${path ? `path=${path}\n` : ''}\n`
  const cases: Array<[string, string, string | undefined]> = [
    ['host, no path', ask(HOST), SECRET.host],
    ['the repository', ask(HOST, 'team/app.git'), SECRET.repo],
    ['another repository of the group', ask(HOST, 'team/web.git'), SECRET.group],
    ['a path only a filler covers (its env variable is unset): the host token', ask(HOST, 'other-10/x.git'), SECRET.host],
    ['an unknown host: nothing', ask('unknown.example.com'), undefined],
  ]
  for (const rt of ['bun', 'node']) {
    for (const [why, input, want] of cases) {
      const r = await sb.pat(['get'], { input, env: { GIT_CREDENTIAL_PAT_RUNTIME: rt } })
      t.equal(r.code, 0, `${rt}, ${why}: exit 0 (${r.stderr})`)
      t.equal(parseCredential(r.stdout).password, want, `${rt}, ${why}`)
    }
  }

  t.equal((await sb.pat(['disable', 'repo'])).code, 0, 'the CLI rewrites the file')
  const after = await sb.pat(['get'], { input: ask(HOST, 'team/app.git') })
  t.equal(parseCredential(after.stdout).password, SECRET.group, 'the next get sees the change: the group token')
})
