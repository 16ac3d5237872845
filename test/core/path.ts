import t from 'tap'
import * as node from 'node:path'
import { dirname, join, resolve } from '../../src/core/path.js'

const samples = ['/home/u', '/home/u/', 'rel', 'a/b/', '/', '', '.', '..', '/a//b', 'a/./b/../c', '//x', '/x///', 'a', '../..', '/..', 'x/..']

t.test('join gives what path.join gives', async t => {
  for (const a of samples) for (const b of ['x', '', '..', '/y/', 'z/.']) t.equal(join(a, b), node.join(a, b), JSON.stringify([a, b]))
  t.equal(join(), node.join())
  t.equal(join('/home/u', '.local', 'share'), '/home/u/.local/share')
})

t.test('dirname gives what path.dirname gives', async t => {
  for (const a of samples.concat(['/a/b//', 'a//b', '/a', 'a/'])) t.equal(dirname(a), node.dirname(a), JSON.stringify(a))
})

t.test('resolve gives what path.resolve gives', async t => {
  for (const a of samples) t.equal(resolve(a), node.resolve(a), JSON.stringify(a))
  for (const a of samples) t.equal(resolve('/base', a), node.resolve('/base', a), JSON.stringify(['/base', a]))
  t.equal(resolve('a', '/b', 'c'), node.resolve('a', '/b', 'c'))
})
