// What get's and store's decisions share (src/core/answer.ts): which
// protocols the helper serves, and notes said once each.
import t from 'tap'
import { Notes, servesProtocol } from '../../src/core/answer.js'

t.test('http and https, in any case, or none given; nothing else', async t => {
  for (const p of ['http', 'https', 'HTTPS', undefined]) t.ok(servesProtocol({ protocol: p }), String(p))
  for (const p of ['ssh', 'git', 'file', '']) t.notOk(servesProtocol({ protocol: p }), p)
})

t.test('notes: each line once, in the order first said', async t => {
  const n = new Notes()
  for (const l of ['b', 'a', 'b', 'c', 'a']) n.add(l)
  t.same(n.lines, ['b', 'a', 'c'])
})
