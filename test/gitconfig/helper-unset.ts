// setup --unset's edit of one config file: it takes out pat's helper
// entries, setup's reset block (when it still holds what the lower scopes
// hold) and the useHttpPath entries for our tokens' hosts; git, reading
// the result, runs every other helper as before.
import t from 'tap'
import { effectiveHelpers, type HelperEntry } from '../../src/gitconfig/helper-list.js'
import { planHelperEdit } from '../../src/gitconfig/helper-edit.js'
import { normOrigin, planHelperUnset } from '../../src/gitconfig/helper-unset.js'
import { g, gitRead, u } from './lib/git-read.js'

const none = new Map<string, string[]>()

function unset(text: string, inherited: HelperEntry[] = [], origins = none) {
  const plan = planHelperUnset(text, inherited, origins, 'test.gitconfig')
  const after = plan.text ?? text
  const read = gitRead(after)
  return {
    ...plan,
    after,
    list: effectiveHelpers([...inherited, ...read.entries]),
    listFor: (o: string) => effectiveHelpers([...inherited, ...read.entries], o),
  }
}

/** setup, then unset: the file as it was (up to the emptied section). */
function roundTrip(text: string, inherited: HelperEntry[] = []) {
  const set = planHelperEdit(text, inherited, gitRead(text).values, 'test.gitconfig').text ?? text
  return { set, ...unset(set, inherited) }
}

t.test('setup then unset gives the file back', async t => {
  for (const text of [
    '',
    '[user]\n\tname = x\n',
    '[user]\n\tname = x\n[credential]\n\thelper = cache --timeout=300\n\thelper = store\n',
    '[credential "https://github.com"]\n\thelper =\n\thelper = !/usr/bin/gh auth git-credential\n[credential]\n\thelper = cache\n',
  ]) {
    const r = roundTrip(text)
    t.match(r.set, /helper = pat/, 'setup added pat')
    t.equal(r.after, text === '' ? '' : text, JSON.stringify(text))
  }
})

t.test("setup's reset block goes while the lower scopes still hold what it copied", async t => {
  const lower = [g('manager'), u('https://source.developers.google.com', 'gcloud.sh')]
  const r = roundTrip('[credential]\n\thelper = cache\n', lower)
  t.match(r.set, /git-credential-pat setup: an empty helper resets/)
  t.equal(r.after, '[credential]\n\thelper = cache\n')
  t.same(r.list, ['manager', 'cache'])
  t.same(r.listFor('https://source.developers.google.com'), ['manager', 'gcloud.sh', 'cache'])
  t.match(r.removed.join('\n'), /reset block/)
})

t.test('a reset block whose copies no longer match stays: the list is the same minus pat', async t => {
  const set = planHelperEdit('[credential]\n\thelper = cache\n', [g('manager')], gitRead('[credential]\n\thelper = cache\n').values, 'f').text!
  const r = unset(set, [g('manager-core')]) // the system config changed since
  t.same(r.list, ['manager', 'cache'], 'what git ran before, without pat')
  t.notMatch(r.after, /helper = pat/)
  t.match(r.notes.join(), /kept the reset block/)
})

t.test('every form of ours goes, in URL sections too; the user-written reset stays', async t => {
  const r = unset(
    '[credential]\n\thelper =\n\thelper = git-credential-pat\n\thelper = store\n[credential "https://x.com"]\n\thelper = !/opt/bin/git-credential-pat get\n',
  )
  t.same(r.list, ['store'])
  t.notMatch(r.after, /credential-pat/)
  t.match(r.after, /\thelper =\n\thelper = store/)
  t.notMatch(r.after, /x\.com/, 'the section left empty goes')
})

t.test('useHttpPath: only true entries for the exact origins we set', async t => {
  const text = [
    '[credential]',
    '\tuseHttpPath = true',
    '[credential "https://gitlab.com"]',
    '\tuseHttpPath = true',
    '\tpatProvider = gitlab',
    '[credential "https://dev.azure.com"]',
    '\tuseHttpPath = true',
    '[credential "https://git.example.com:8443"]',
    '\tuseHttpPath = true',
    '[credential "https://gitlab.com/team"]',
    '\tuseHttpPath = true',
    '',
  ].join('\n')
  const origins = new Map([
    ['https://gitlab.com', ['set by git-credential-pat on 2026-12-01']],
    ['https://git.example.com:8443', ['set by git-credential-pat on 2026-12-02']],
  ])
  const r = unset(text, [], origins)
  t.equal(
    r.after,
    [
      '[credential]',
      '\tuseHttpPath = true',
      '[credential "https://gitlab.com"]',
      '\tpatProvider = gitlab',
      '[credential "https://dev.azure.com"]',
      '\tuseHttpPath = true',
      '[credential "https://gitlab.com/team"]',
      '\tuseHttpPath = true',
      '',
    ].join('\n'),
  )
  t.same(r.removed, [
    'credential.https://gitlab.com.useHttpPath=true (set by git-credential-pat on 2026-12-01)',
    'credential.https://git.example.com:8443.useHttpPath=true (set by git-credential-pat on 2026-12-02)',
  ])
})

t.test('nothing of ours: no change', async t => {
  const r = unset('[credential]\n\thelper = store\n[credential "https://a.com"]\n\tuseHttpPath = false\n', [], new Map([['https://a.com', ['a']]]))
  t.equal(r.text, null)
  t.same(r.removed, [])
})

t.test('a comment in an emptied section keeps its header', async t => {
  const r = unset('[credential]\n\t# my helpers\n\thelper = pat\n')
  t.equal(r.after, '[credential]\n\t# my helpers\n')
})

t.test('normOrigin', async t => {
  t.equal(normOrigin('https://GitLab.com/'), 'https://gitlab.com')
  t.equal(normOrigin('https://host:443'), 'https://host')
  t.equal(normOrigin('http://127.0.0.1:8080'), 'http://127.0.0.1:8080')
  t.equal(normOrigin('https://gitlab.com/team'), null)
  t.equal(normOrigin('https://me@gitlab.com'), null)
  t.equal(normOrigin('not a url'), null)
})
