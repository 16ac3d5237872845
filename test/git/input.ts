// What git hands a helper on stdin (src/git/input.ts): read to the blank
// line that ends a credential, or to EOF, whatever the pieces it comes in;
// a closed or absent stdin is an empty request, other read errors are thrown.
import t from 'tap'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { OPERATIONS } from '../../src/git/input.js'

const probe = join(import.meta.dirname, 'lib/read-stdin.ts')

/** readStdin in a child fed `pieces` on a pipe (a pause between them); the pipe is closed after them only if `end`. */
function readIn(pieces: string[], end: boolean): Promise<{ text: string; code: number | null }> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [...process.execArgv, probe], { stdio: ['pipe', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', d => (out += d))
    child.on('error', fail)
    // Our end of its stdin may still be open: the child's exit decides.
    child.on('exit', () => child.stdin.destroy())
    child.on('close', code => {
      clearTimeout(timer)
      ok({ text: out ? JSON.parse(out).text : '', code })
    })
    // SIGKILL: a child blocked in read(2) never runs a SIGTERM handler (tap's coverage hook installs one).
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    const feed = (i: number) => {
      if (i === pieces.length) return void (end && child.stdin.end())
      child.stdin.write(pieces[i], () => setTimeout(() => feed(i + 1), 30))
    }
    feed(0)
  })
}

t.same(OPERATIONS, ['get', 'store', 'erase'], "git's three operations")

t.test('the blank line ends the request even while stdin stays open', async t => {
  const r = await readIn(['protocol=https\nhost=a.example', '\n\n'], false)
  t.same(r, { text: 'protocol=https\nhost=a.example\n\n', code: 0 })
})

t.test('a blank first line is an empty request, read no further', async t => {
  t.same(await readIn(['\n'], false), { text: '\n', code: 0 })
})

t.test('EOF without a blank line: all of it, in pieces larger than one read', async t => {
  const long = `protocol=https\nhost=a.example\npath=${'p'.repeat(40_000)}\n`
  t.same(await readIn([long.slice(0, 10), long.slice(10, 20_000), long.slice(20_000)], true), { text: long, code: 0 })
  t.same(await readIn([], true), { text: '', code: 0 }, 'nothing at all: empty')
})

t.test('read errors: EAGAIN is read again, EOF and EBADF end the request, anything else is thrown', async t => {
  const errno = (code: string) => Object.assign(new Error(code), { code })
  const run = async (script: Array<string | Error>) => {
    const steps = [...script]
    const { readStdin } = await t.mockImport<typeof import('../../src/git/input.js')>('../../src/git/input.js', {
      '../../src/runtime/sys.js': {
        read: (_fd: number, buf: Buffer) => {
          const s = steps.shift()
          if (s === undefined) return 0
          if (s instanceof Error) throw s
          return buf.write(s)
        },
      },
    })
    return readStdin().toString()
  }
  t.equal(await run(['host=', errno('EAGAIN'), 'a\n\n', 'never read']), 'host=a\n\n')
  t.equal(await run(['host=a\n', errno('EOF')]), 'host=a\n')
  t.equal(await run([errno('EBADF')]), '', 'no stdin at all: an empty request')
  await t.rejects(run(['host=a\n', errno('EIO')]), { code: 'EIO' })
})
