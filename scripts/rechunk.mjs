// node scripts/rechunk.mjs IN OUT: regroup esbuild's code-split bundle (IN,
// entry main.js) so that git's path is one file. esbuild gives every set
// of dynamic-import entries its own chunk, so the modules main.js imports
// statically arrive in some ten chunks, and under Bun each file adds to
// every get. Rollup, given those chunks as modules, puts all
// of them into main.js itself, which the chunks loaded later import from:
// still one module graph, each module evaluated once per process (the
// launcher imports main.js by its real path, and the chunks by './main.js'
// beside it, so both name the same module). A separate chunk for them
// cost more: under Bun every file loaded is read and transpiled.
import { readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { rollup } from 'rollup'

const [input, out] = process.argv.slice(2)
if (!input || !out) {
  console.error('usage: node scripts/rechunk.mjs IN_DIR OUT_DIR')
  process.exit(2)
}
const entry = resolve(input, 'main.js')

/** The chunks `file` imports statically, and theirs (esbuild writes `import{…}from"./chunk-X.js"` and `import"./chunk-X.js"`). */
function staticGraph(file, seen = new Set()) {
  for (const m of readFileSync(file, 'utf8').matchAll(/import\s*(?:[\w${},\s*]*?from\s*)?["'](\.\/[^"']+)["']/g)) {
    const dep = join(dirname(file), m[1])
    if (!seen.has(dep)) {
      seen.add(dep)
      staticGraph(dep, seen)
    }
  }
  return seen
}
const git = staticGraph(entry).add(entry)

const externals = ['@github/keytar', 'pino', 'write-file-atomic']
const bundle = await rollup({
  input: entry,
  external: id => id.startsWith('node:') || builtinModules.includes(id) || externals.some(e => id === e || id.startsWith(`${e}/`)),
  onwarn(w, warn) {
    if (w.code !== 'CIRCULAR_DEPENDENCY') warn(w)
  },
})
await bundle.write({
  dir: out,
  format: 'es',
  compact: true,
  chunkFileNames: '[name]-[hash].js',
  manualChunks: id => (git.has(id) ? 'main' : undefined),
})
await bundle.close()
