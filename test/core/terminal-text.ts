// Outside text on a terminal (docs/git-credential-pat.md, "Output and logging"): every
// control character shown as an escape, JSON kept valid and equal.
import t from 'tap'
import { printable, printableJson, printableJsonText } from '../../src/core/terminal-text.js'

const RAW = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/

t.test('printable: ESC sequences, C0, DEL, C1 and bidi controls become visible', async t => {
  t.equal(printable('\x1b]0;pwned\x07'), '\\e]0;pwned\\x07', 'OSC window title')
  t.equal(printable('\x1b[2J'), '\\e[2J', 'clear screen')
  t.equal(printable('a\x9b2Jb'), 'a\\x9b2Jb', '8-bit CSI')
  t.equal(printable('x\x7fy\x00z'), 'x\\x7fy\\x00z', 'DEL and NUL')
  t.equal(printable('ok\rfake line'), 'ok\\rfake line', 'carriage return')
  t.equal(printable('abc\u202edcba'), 'abc\\u202edcba', 'right-to-left override')
  t.equal(printable('one\ntwo'), 'one\\ntwo', 'a message line keeps no newline')
  t.equal(printable('one\ntwo\tthree', { lines: true }), 'one\ntwo\tthree', 'output keeps newlines and tabs')
  t.equal(printable('gitlab.com/team/* café ✓ 日本'), 'gitlab.com/team/* café ✓ 日本', 'printable text, any script, unchanged')
  const raw: string[] = []
  for (let c = 0; c < 0x2070; c++) if (RAW.test(printable(String.fromCharCode(c), { lines: true }).replace('\n', ''))) raw.push(c.toString(16))
  t.same(raw, [], 'no character up to U+206F comes out raw')
})

t.test('printable with colours: only the table colour codes stay', async t => {
  const ours = '\x1b[31mexpired\x1b[0m \x1b[2mdim\x1b[0m \x1b[33mwarn\x1b[0m'
  t.equal(printable(ours, { colours: true }), ours)
  t.equal(printable(ours), '\\e[31mexpired\\e[0m \\e[2mdim\\e[0m \\e[33mwarn\\e[0m', 'escaped without the option')
  t.equal(printable('\x1b[2J\x1b]0;t\x07\x1b[31;1m', { colours: true }), '\\e[2J\\e]0;t\\x07\\e[31;1m', 'any other sequence escaped')
})

t.test('printableJson: valid JSON, the same value, nothing raw', async t => {
  const value = { login: '\x1b]0;pwned\x07', scopes: ['\x9b2J', 'a\x7fb', 'r\u202el'], n: 1 }
  const text = printableJson(value)
  t.notMatch(text.replace(/\n/g, ''), RAW)
  t.same(JSON.parse(text), value, 'decodes to the same value')
  t.equal(printableJson([1], 0), '[1]')
  const line = JSON.stringify(value)
  t.same(JSON.parse(printableJsonText(line)), value, 'a JSON line from the log: still the same value')
  t.notMatch(printableJsonText(line), RAW)
})
