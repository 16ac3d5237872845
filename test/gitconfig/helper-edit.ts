// setup's edit of one config file: every edit is checked against git itself
// reading the result, since a wrong edit silently changes which helpers git
// runs (an empty value resets the list).
import t from 'tap'
import { effectiveHelpers, type HelperEntry } from '../../src/gitconfig/helper-list.js'
import { planHelperEdit } from '../../src/gitconfig/helper-edit.js'
import { PatError } from '../../src/errors.js'
import { g, gitRead, u } from './lib/git-read.js'

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
