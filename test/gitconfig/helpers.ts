// git's credential.helper list and setup's edit of one config file: every
// edit is checked against git itself reading the result, since a wrong edit
// silently changes which helpers git runs (an empty value resets the list).
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  effectiveHelpers,
  isOurs,
  parseHelperListing,
  planHelperEdit,
  quoteValue,
  scanConfig,
  urlMatches,
  type HelperEntry,
} from '../../src/gitconfig/helpers.js'
import { PatError } from '../../src/errors.js'

const dir = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'gcp-helper-config-'))
let n = 0
const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', HOME: dir }

/** What git reads from a file: its credential.helper values, and all helper entries. */
function gitRead(text: string): { values: string[]; entries: HelperEntry[] } {
  const file = join(dir, `c${++n}`)
  writeFileSync(file, text)
  const v = spawnSync('git', ['config', '--file', file, '--get-all', 'credential.helper'], { encoding: 'utf8', env })
  const e = spawnSync('git', ['config', '--file', file, '--show-origin', '--show-scope', '-z', '--get-regexp', '^credential\\..*helper$'], {
    encoding: 'utf8',
    env,
  })
  if (v.status !== 0 && v.status !== 1) throw new Error(v.stderr)
  return { values: v.status === 0 ? v.stdout.replace(/\n$/, '').split('\n') : [], entries: parseHelperListing(e.stdout) }
}

/** Plan an edit as setup does, then let git read the result. */
function edit(text: string, inherited: HelperEntry[] = []) {
  const plan = planHelperEdit(text, inherited, gitRead(text).values, 'test.gitconfig')
  const after = plan.text === null ? text : plan.text
  const read = gitRead(after)
  return {
    changed: plan.text !== null,
    text: after,
    notes: plan.notes,
    list: effectiveHelpers([...inherited, ...read.entries]),
    listFor: (origin: string) => effectiveHelpers([...inherited, ...read.entries], origin),
  }
}

const g = (value: string, scope = 'system'): HelperEntry => ({ scope, file: '/etc/gitconfig', value })
const u = (url: string, value: string, scope = 'system'): HelperEntry => ({ scope, file: '/etc/gitconfig', url, value })

t.test('isOurs recognises every way of naming this helper', async t => {
  for (const v of [
    'pat',
    'git-credential-pat',
    '/usr/local/bin/git-credential-pat',
    '!git-credential-pat',
    '! /opt/x/bin/git-credential-pat --flag',
    'pat --x',
  ]) {
    t.ok(isOurs(v), v)
  }
  for (const v of ['', 'cache', 'store', 'patty', 'manager', '!gh auth git-credential', '/usr/bin/pat-helper', 'osxkeychain']) t.notOk(isOurs(v), v)
})

t.test('urlMatches follows git urlmatch for host-wide lookups', async t => {
  t.ok(urlMatches('https://github.com', 'https://github.com'))
  t.ok(urlMatches('https://GitHub.com/', 'https://github.com'))
  t.ok(urlMatches('https://*.example.com', 'https://git.example.com'))
  t.notOk(urlMatches('https://*.example.com', 'https://example.com'))
  t.notOk(urlMatches('http://github.com', 'https://github.com'), 'scheme')
  t.notOk(urlMatches('https://github.com:8443', 'https://github.com'), 'port')
  t.ok(urlMatches('https://github.com:443', 'https://github.com'), 'default port')
  t.notOk(urlMatches('https://github.com.evil.net', 'https://github.com'))
  t.notOk(urlMatches('https://github.com/org', 'https://github.com'), 'a path needs git to send one')
  t.notOk(urlMatches('https://alice@github.com', 'https://github.com'), 'a user needs git to send one')
  t.notOk(urlMatches('github.com', 'https://github.com'), 'no scheme: not a URL')
})

t.test('effectiveHelpers: resets and URL entries in config order', async t => {
  const entries = [
    g('osxkeychain'),
    g('', 'global'),
    g('cache', 'global'),
    u('https://github.com', '', 'global'),
    u('https://github.com', '!gh auth git-credential', 'global'),
    g('pat', 'global'),
  ]
  t.same(effectiveHelpers(entries), ['cache', 'pat'])
  t.same(effectiveHelpers(entries, 'https://github.com'), ['!gh auth git-credential', 'pat'])
  t.same(effectiveHelpers(entries, 'https://gitlab.com'), ['cache', 'pat'])
})

t.test('parseHelperListing reads git config -z output', async t => {
  const out =
    'system\0file:/etc/gitconfig\0credential.https://x.com.helper\ngcloud.sh\0global\0file:/h/.gitconfig\0credential.helper\n\0command\0command line:\0credential.helper\npat\0'
  t.same(parseHelperListing(out), [
    { scope: 'system', file: '/etc/gitconfig', url: 'https://x.com', value: 'gcloud.sh' },
    { scope: 'global', file: '/h/.gitconfig', url: undefined, value: '' },
    { scope: 'command', file: undefined, url: undefined, value: 'pat' },
  ])
})

t.test('scanConfig reads values as git does', async t => {
  const text =
    '# c\n[credential]\n\thelper = "cache --timeout=300" ; comment\n\thelper =\n[credential "https://x.com"]\n\thelper = a\\\n  b\n[Credential]\n\tHelper = "q\\"t"\n'
  const s = scanConfig(text)
  t.same(
    s.map(e => [e.section, e.sub, e.key, e.value, e.start, e.end]),
    [
      ['credential', undefined, 'helper', 'cache --timeout=300', 2, 2],
      ['credential', undefined, 'helper', '', 3, 3],
      ['credential', 'https://x.com', 'helper', 'a  b', 5, 6],
      ['credential', undefined, 'helper', 'q"t', 8, 8],
    ],
  )
  t.same(gitRead(text).values, ['cache --timeout=300', '', 'q"t'], 'git agrees')
  t.throws(() => scanConfig('[credential]\n\thelper = "open\n'))
})

t.test('quoteValue round-trips through git', async t => {
  for (const v of ['pat', '', '!f() { echo "x"; }; f', 'a#b', ' lead', 'back\\slash', 'tab\there']) {
    t.same(gitRead(`[credential]\n\thelper = ${quoteValue(v)}\n`).values, [v], JSON.stringify(v))
  }
})

t.test('setup edits: pat first, everything else kept in its place', async t => {
  t.test('empty file', async t => {
    const r = edit('')
    t.same(r.list, ['pat'])
  })
  t.test('existing helpers: pat goes before them', async t => {
    const r = edit('[user]\n\tname = x\n[credential]\n\thelper = cache --timeout=300\n\thelper = store\n')
    t.same(r.list, ['pat', 'cache --timeout=300', 'store'])
    t.match(r.text, /\[credential\]\n\thelper = pat\n\thelper = cache/, 'in the existing section')
  })
  t.test('a reset in the file: pat right after the last reset', async t => {
    const r = edit('[credential]\n\thelper = store\n\thelper =\n\thelper = cache\n', [g('osxkeychain')])
    t.same(r.list, ['pat', 'cache'])
    t.match(r.text, /helper = store\n\thelper =\n\thelper = pat\n\thelper = cache/)
  })
  t.test('pat later in the list moves to the front, once', async t => {
    const r = edit('[credential]\n\thelper = cache\n\thelper = pat\n')
    t.same(r.list, ['pat', 'cache'])
    t.equal(r.text.match(/helper = pat/g)?.length, 1)
  })
  t.test('a helper from a lower scope: reset, pat, then it again', async t => {
    const r = edit('[credential]\n\thelper = cache\n', [g('manager'), u('https://source.developers.google.com', 'gcloud.sh')])
    t.same(r.list, ['pat', 'manager', 'cache'])
    t.same(r.listFor('https://source.developers.google.com'), ['pat', 'manager', 'gcloud.sh', 'cache'], 'URL helpers from below are kept')
    t.match(r.notes.join(), /manager/)
  })
  t.test('dead lower-scope helpers (before a reset) are not copied', async t => {
    const r = edit('', [g('old'), g(''), g('manager')])
    t.same(r.list, ['pat', 'manager'])
    t.notMatch(r.text, /old/)
  })
  t.test('pat only in a lower scope: first already', async t => {
    const r = edit('', [g('pat')])
    t.notOk(r.changed)
  })
  t.test('pat in a lower scope and again here: the duplicate goes', async t => {
    const r = edit('[credential]\n\thelper = cache\n\thelper = pat\n', [g('pat')])
    t.same(r.list, ['pat', 'cache'])
  })
  t.test('URL sections keep their meaning (gh auth setup-git)', async t => {
    const text = '[credential "https://github.com"]\n\thelper =\n\thelper = !/usr/bin/gh auth git-credential\n[credential]\n\thelper = cache\n'
    const r = edit(text)
    t.same(r.list, ['pat', 'cache'])
    t.same(r.listFor('https://github.com'), ['!/usr/bin/gh auth git-credential', 'pat', 'cache'], 'github still runs gh first, then the general list')
    t.same(gitRead(text).entries.length + 1, gitRead(r.text).entries.length, 'one entry added')
  })
  t.test('no credential.helper yet, only URL sections: appended, as git config --add would', async t => {
    const r = edit('[credential "https://x.com"]\n\thelper = u\n')
    t.same(r.list, ['pat'])
    t.same(r.listFor('https://x.com'), ['u', 'pat'])
  })
  t.test('a helper on its section header line', async t => {
    const r = edit('[credential] helper = cache\n')
    t.same(r.list, ['pat', 'cache'])
  })
  t.test('CRLF files', async t => {
    const r = edit('[credential]\r\n\thelper = cache\r\n')
    t.same(r.list, ['pat', 'cache'])
  })
  t.test('a reset after a URL section is never moved before it', async t => {
    const text = '[credential]\n\thelper = a\n[credential "https://x.com"]\n\thelper = u\n[credential]\n\thelper =\n\thelper = b\n'
    const r = edit(text)
    t.same(r.list, ['pat', 'b'])
    t.same(r.listFor('https://x.com'), ['pat', 'b'], 'u stays wiped by the reset, as before')
  })
  t.test('idempotent', async t => {
    for (const [text, inh] of [
      ['', []],
      ['[credential]\n\thelper = cache\n', []],
      ['[credential]\n\thelper = cache\n', [g('manager')]],
      ['[credential]\n\thelper = x\n\thelper =\n\thelper = y\n', [g('manager')]],
    ] as [string, HelperEntry[]][]) {
      const once = edit(text, inh)
      t.ok(once.changed)
      const twice = edit(once.text, inh)
      t.notOk(twice.changed, `second run changes nothing: ${JSON.stringify(text)}`)
    }
  })
  t.test('a file git reads differently is left alone', async t => {
    t.throws(() => planHelperEdit('[credential]\n\thelper = a\n', [], ['b'], 'f'), PatError)
    t.throws(() => planHelperEdit('[credential "unterminated\n', [], [], 'f'), /by hand/)
  })
})
