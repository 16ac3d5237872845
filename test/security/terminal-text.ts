// Text from outside never reaches a terminal raw (docs/git-credential-pat.md,
// "Output and logging"): ESC sequences and other control
// characters planted where each command prints outside text — a forge's JSON
// (login, scopes), git's username and URL path, a token's name, username and
// description in the metadata, a manifest, the log, arguments echoed in
// errors, the prompt — come out as visible escapes on stdout and stderr.
import t from 'tap'
import { chmodSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sandbox as makeSandbox, type RunResult, type Sandbox } from '../e2e/lib/env.js'
import { startForgeServer } from '../e2e/lib/forge-server.js'

const TITLE = '\x1b]0;pwned\x07'
const CLEAR = '\x1b[2J'
const CSI8 = '\x9b2J'
/** Anything a terminal acts on: C0 but tab and newline, DEL, C1, bidi controls. */
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/

const S = { gl: 'glpat-TermTextForge000001', stored: 'term-text-stored-secret-02' }

const forge = await startForgeServer([{ token: S.gl, expiresAt: null, login: `alice${TITLE}`, scopes: [`read_api${CLEAR}`, `x${CSI8}`] }])
t.teardown(() => forge.close())

const outputs: Array<[string, RunResult]> = []
let sb: Sandbox
const pat = async (args: string[], input = '', env: NodeJS.ProcessEnv = {}) => {
  const r = await sb.pat(args, { input, env })
  outputs.push([args.map(a => JSON.stringify(a)).join(' '), r])
  return r
}

t.before(async () => {
  sb = makeSandbox('term-text')
  sb.env.GIT_CREDENTIAL_PAT_DAEMON = 'never'
  await sb.gitConfig([['credential.https://gitlab.example.com.patApiUrl', forge.url]])
})

t.test('a forge answer (add --check, check, show, list)', async t => {
  const added = await pat(['add', 'gitlab.example.com', '--token-stdin', '--name', 'gl', '--check'], S.gl)
  t.equal(added.code, 0, added.stderr)
  for (const args of [['check'], ['check', 'gl'], ['check', '--json'], ['show', 'gl'], ['show', 'gl', '--json'], ['list'], ['list', '--json']]) {
    const r = await pat(args)
    t.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`)
  }
  const json = JSON.parse((await pat(['check', 'gl', '--json'])).stdout)
  t.equal(json[0].login, `alice${TITLE}`, 'check --json: still valid JSON, the same value')
  t.match((await pat(['show', 'gl'])).stdout, 'alice\\e]0;pwned\\x07', 'show: the login as a visible escape')
})

t.test("git's username and path (store, list, show, which, export, log)", async t => {
  const r = await pat(['store'], `protocol=https\nhost=store.example\npath=a/b\nusername=u${TITLE}\npassword=${S.stored}\n\n`)
  t.equal(r.code, 0, r.stderr)
  const name = (await sb.tokens()).find(x => x.scope.startsWith('https://store.example') || x.scope.startsWith('store.example'))?.name
  t.ok(name, 'stored')
  t.equal((await sb.tokens()).find(x => x.name === name)?.username, `u${TITLE}`, 'stored as received')
  for (const args of [
    ['list'],
    ['list', '--json'],
    ['show', name!],
    ['show', name!, '--json'],
    ['which', `https://store.example/a/b${CLEAR}`],
    ['export'],
    ['log'],
    ['log', '--json'],
  ]) {
    await pat(args)
  }
  t.match((await pat(['list'])).stdout, 'u\\e]0;pwned\\x07', 'list: the username as a visible escape')
  await pat(['get'], `protocol=https\nhost=store.example\npath=a/b\nusername=u${TITLE}\n\n`)
  await pat(['get'], `protocol=https\nhost=store.example\npath=a/b${CLEAR}\n\n`)
  t.match((await pat(['log'])).stdout, /\\e/, 'log: the username as a visible escape')
  JSON.parse(`[${(await pat(['log', '--json'])).stdout.trim().split('\n').join(',')}]`)
  JSON.parse((await pat(['export'])).stdout)
})

t.test('a name, username and description planted in the metadata; a manifest', async t => {
  const file = join(sb.env.GIT_CREDENTIAL_PAT_HOME!, 'tokens.json')
  const meta = JSON.parse(readFileSync(file, 'utf8'))
  meta.tokens.push({ ...meta.tokens[0], name: `evil${CLEAR}`, username: `u${CSI8}`, source: 'env:TERM_TEXT_NONE' })
  meta.tokens[0].description = `d${TITLE}\u202eexe.txt`
  writeFileSync(file, JSON.stringify(meta))
  t.match((await pat(['list'])).stdout, 'evil\\e[2J', 'list: the name as a visible escape')
  t.match((await pat(['show', 'gl'])).stdout, 'd\\e]0;pwned\\x07\\u202eexe.txt', 'show: the description as visible escapes')
  for (const args of [
    ['list'],
    ['list', '--json'],
    ['which', 'https://gitlab.example.com/g/r'],
    ['check'],
    ['export'],
    ['show', 'gl'],
    ['disable', `evil${CLEAR}`],
  ]) {
    await pat(args)
  }
  const manifest = join(sb.dir, 'manifest.json')
  writeFileSync(
    manifest,
    JSON.stringify({ tokens: [{ name: 'm', scope: `m.example/g${TITLE}/*`, description: `d${CLEAR}`, secretFrom: 'env:TERM_TEXT_NONE' }] }),
  )
  await pat(['import', manifest, '--dry-run'])
  await pat(['import', manifest])
})

t.test('arguments echoed in errors', async t => {
  for (const args of [
    ['show', `x${CLEAR}`],
    ['which', `https://nowhere.example/${TITLE}`],
    ['add', `x.example/${TITLE}/*`, '--token-stdin'],
    ['add', 'x.example', '--token-stdin', '--username', `u${CLEAR}`],
    ['rotate', `y${TITLE}`, '--token-stdin'],
    ['log', '-n', `1${CLEAR}`],
    [`nocommand${CLEAR}`],
  ]) {
    const r = await pat(args, 'glpat-TermTextNotSaved0003')
    t.not(r.code, 0, `${JSON.stringify(args)} refused`)
  }
  await pat(['get'], `url=https://h.example/${TITLE}\n\n`)
  await pat(['get'], `protocol=https\nhost=h.example\npath=${CLEAR}\x01\n\n`)
})

t.test('the prompt (through askpass)', async t => {
  const argvFile = join(sb.dir, 'askpass-argv')
  const askpass = join(sb.dir, 'askpass.sh')
  writeFileSync(askpass, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${argvFile}'\necho no\n`)
  chmodSync(askpass, 0o755)
  // A token of that host whose name (planted) the prompt names as the likely cause.
  const file = join(sb.env.GIT_CREDENTIAL_PAT_HOME!, 'tokens.json')
  const meta = JSON.parse(readFileSync(file, 'utf8'))
  meta.tokens.push({ ...meta.tokens[0], name: `old${CLEAR}`, scope: 'prompt.example', expires: '2001-01-01T00:00:00.000Z', username: `u${TITLE}` })
  writeFileSync(file, JSON.stringify(meta))
  const r = await pat(['get'], `protocol=https\nhost=prompt.example\npath=g/r\n\n`, { GIT_ASKPASS: askpass })
  t.match(r.stderr, "token 'old\\e[2J'", 'the prompt names the token, escaped')
  let asked = ''
  try {
    asked = readFileSync(argvFile, 'utf8')
  } catch {
    // never asked: nothing to check
  }
  t.ok(asked.length > 0, 'askpass was asked')
  t.notMatch(asked, RAW, 'the question askpass got carries no raw control character')
})

t.test('no raw control character on any stdout or stderr', async t => {
  // get's stdout is git's protocol, read by git, never shown: values go back as git sent them.
  const raw = outputs.flatMap(([label, r]) =>
    (['stdout', 'stderr'] as const)
      .filter(k => RAW.test(r[k]) && !(k === 'stdout' && label === '"get"'))
      .map(k => `${label} (${k}): ${JSON.stringify(r[k].slice(0, 300))}`),
  )
  t.ok(outputs.length >= 40, `${outputs.length} runs`)
  t.ok(
    outputs.some(([, r]) => /\\e/.test(r.stdout)) && outputs.some(([, r]) => /\\e/.test(r.stderr)),
    'the planted sequences reached both streams (as escapes)',
  )
  t.same(raw, [], 'every planted sequence came out escaped')
})
