// Reading and writing a git config file as text, checked against git
// reading the same text.
import t from 'tap'
import { quoteValue, scanConfig } from '../../src/gitconfig/config-text.js'
import { gitRead } from './lib/git-read.js'

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
