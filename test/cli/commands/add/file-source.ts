// add --source file:PATH (src/cli/commands/add/file-source.ts).
import t from 'tap'
import { fileSourceArg } from '../../../../src/cli/commands/add/file-source.js'

t.test('file: paths made absolute', async t => {
  t.equal(fileSourceArg('file:/etc/tok', '/w', '/home/u'), 'file:/etc/tok')
  t.equal(fileSourceArg('file:tok', '/w', '/home/u'), 'file:/w/tok', 'git runs the helper from any directory')
  t.equal(fileSourceArg('file:~/tok', '/w', '/home/u'), 'file:/home/u/tok')
  t.equal(fileSourceArg('env:TOKEN', '/w', '/home/u'), 'env:TOKEN', 'other sources as they are')
})
