// path.join, dirname and resolve for POSIX paths, as node:path gives them
// (test/core/path.ts compares the two): node:path is slow to load under
// Bun, and the daemon client on git's path needs only these.
// Windows gets node:path itself.
type NodePath = typeof import('node:path')
const win = process.platform === 'win32'
const nodePath = (): NodePath => process.getBuiltinModule('node:path') as NodePath

export function join(...parts: string[]): string {
  if (win) return nodePath().join(...parts)
  const joined = parts.filter(p => p !== '').join('/')
  return joined === '' ? '.' : normalize(joined)
}

export function dirname(p: string): string {
  if (win) return nodePath().dirname(p)
  if (p === '') return '.'
  // node:path's own loop: only the last segment goes, a run of slashes before it stays.
  const root = p[0] === '/'
  let end = -1
  let matchedSlash = true
  for (let i = p.length - 1; i >= 1; i--) {
    if (p[i] === '/') {
      if (!matchedSlash) {
        end = i
        break
      }
    } else matchedSlash = false
  }
  if (end === -1) return root ? '/' : '.'
  if (root && end === 1) return '//'
  return p.slice(0, end)
}

export function resolve(...parts: string[]): string {
  if (win) return nodePath().resolve(...parts)
  let out = ''
  for (let i = parts.length - 1; i >= 0 && !out.startsWith('/'); i--) if (parts[i]) out = out ? `${parts[i]}/${out}` : parts[i]
  if (!out.startsWith('/')) out = out ? `${process.cwd()}/${out}` : process.cwd()
  const n = normalize(out)
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n
}

/** Collapse `//`, `.` and `..` segments, keeping one trailing slash as path.normalize does. */
function normalize(p: string): string {
  const abs = p.startsWith('/')
  const out: string[] = []
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue
    if (seg === '..' && out.length && out[out.length - 1] !== '..') out.pop()
    else if (seg !== '..' || !abs) out.push(seg)
  }
  const body = out.join('/')
  const trailing = p.endsWith('/') && body !== '' ? '/' : ''
  return (abs ? '/' : '') + body + trailing || (abs ? '/' : '.')
}
