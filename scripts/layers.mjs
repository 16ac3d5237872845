// node scripts/layers.mjs: the layer rule of src/ (README,
// "Layout"). Each file may import only from its own layer or a lower
// one, and no import cycle is allowed, type-only imports included: a higher
// layer's types pull its assumptions down with them. Run by `npm run lint`.
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'

const root = resolve(dirname(new URL(import.meta.url).pathname), '..')
const src = join(root, 'src')

/** Lowest first. A file belongs to the layer of its longest matching prefix. */
const LAYERS = [
  ['errors.ts'], // the one error type, shared by all: imports nothing
  ['core/'], // pure: imports nothing outside core/ but errors.ts
  ['runtime/', 'log/'],
  ['state/', 'gitconfig/', 'forge/', 'prompt/'],
  ['daemon/client/'], // what git's path uses to ask the daemon
  ['git/'],
  ['daemon/'], // the daemon itself
  ['cli/'],
  ['main.ts'],
]

function layerOf(file) {
  let best = { layer: -1, len: -1 }
  LAYERS.forEach((prefixes, layer) => {
    for (const p of prefixes) {
      const hit = p.endsWith('/') ? file.startsWith(p) : file === p
      if (hit && p.length > best.len) best = { layer, len: p.length }
    }
  })
  return best.layer
}

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) walk(full, out)
    else if (name.endsWith('.ts')) out.push(relative(src, full))
  }
  return out
}

/** The src/ files `file` imports: static, dynamic and `export … from`. */
function importsOf(file) {
  const { importedFiles } = ts.preProcessFile(readFileSync(join(src, file), 'utf8'), true, true)
  return importedFiles
    .map(i => i.fileName)
    .filter(n => n.startsWith('.'))
    .map(n => relative(src, resolve(src, dirname(file), n)).replace(/\.js$/, '.ts'))
}

const files = walk(src).sort()
const graph = new Map(files.map(f => [f, importsOf(f)]))
const problems = []

for (const [file, deps] of graph) {
  const mine = layerOf(file)
  if (mine < 0) problems.push(`${file}: in no layer (add its folder to scripts/layers.mjs)`)
  for (const dep of deps) {
    const theirs = layerOf(dep)
    if (theirs > mine) problems.push(`src/${file} imports src/${dep}, a higher layer (${LAYERS[theirs].join(' ')} above ${LAYERS[mine].join(' ')})`)
  }
}

// Cycles: depth-first search, reporting each cycle once by its path.
const state = new Map()
const stack = []
function visit(f) {
  state.set(f, 'open')
  stack.push(f)
  for (const d of graph.get(f) ?? []) {
    if (!graph.has(d)) continue
    if (state.get(d) === 'open') problems.push(`import cycle: ${[...stack.slice(stack.indexOf(d)), d].map(x => `src/${x}`).join(' -> ')}`)
    else if (!state.has(d)) visit(d)
  }
  stack.pop()
  state.set(f, 'done')
}
for (const f of files) if (!state.has(f)) visit(f)

if (problems.length) {
  for (const p of problems) console.error(p)
  console.error(`layers: ${problems.length} problem(s); the layers, lowest first: ${LAYERS.map(l => l.join(' ')).join(' < ')}`)
  process.exit(1)
}
