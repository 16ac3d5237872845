// `npm run release` (run by Bun): single-file executables with `bun build
// --compile` for each platform, keytar's prebuilt addon for that platform
// embedded, into release/, with SHA256SUMS. Bun fetches each target's
// runtime from the npm registry. Usage: bun scripts/release.ts [--out DIR]
// [TARGET…] (default: release/, all of TARGETS).
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

declare const Bun: {
  build(opts: Record<string, unknown>): Promise<{ success: boolean; logs: unknown[] }>
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const at = args.indexOf('--out')
const out = at >= 0 ? args.splice(at, 2)[1] : join(root, 'release')
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version

/** Bun's target, keytar's prebuild directory, the file name. */
const TARGETS: Record<string, { bun: string; keytar: string; file: string }> = {
  'linux-x64': { bun: 'bun-linux-x64', keytar: 'linux-x64', file: 'git-credential-pat-linux-x64' },
  'linux-arm64': { bun: 'bun-linux-arm64', keytar: 'linux-arm64', file: 'git-credential-pat-linux-arm64' },
  'darwin-x64': { bun: 'bun-darwin-x64', keytar: 'darwin-x64', file: 'git-credential-pat-darwin-x64' },
  'darwin-arm64': { bun: 'bun-darwin-arm64', keytar: 'darwin-arm64', file: 'git-credential-pat-darwin-arm64' },
  'windows-x64': { bun: 'bun-windows-x64', keytar: 'win32-x64', file: 'git-credential-pat-windows-x64.exe' },
}

/**
 * keychain.ts loads keytar, and tokens.ts write-file-atomic, through
 * createRequire, which no bundler follows; here each becomes a plain
 * require, keytar's of a module that requires the one prebuilt addon of
 * the target, a path Bun embeds in the executable.
 */
const PLAIN_REQUIRES: Array<[RegExp, string, string]> = [
  [/src\/state\/sources\/keychain\.ts$/, "createRequire(import.meta.url)('@github/keytar')", "require('@github/keytar')"],
  [/src\/state\/tokens\.ts$/, "cjs('write-file-atomic')", "require('write-file-atomic')"],
]
function keytarPlugin(prebuild: string) {
  const addon = join(root, 'node_modules', '@github', 'keytar', 'prebuilds', prebuild, 'keytar.node')
  statSync(addon) // the package ships prebuilds/ for every target; fail here if not
  return {
    name: 'embedded-keytar',
    setup(build: {
      onLoad(o: { filter: RegExp }, cb: (a: { path: string }) => { contents: string; loader: string }): void
      onResolve(o: { filter: RegExp }, cb: () => { path: string; namespace: string }): void
    }) {
      for (const [file, from, to] of PLAIN_REQUIRES)
        build.onLoad({ filter: file }, a => {
          const text = readFileSync(a.path, 'utf8')
          if (!text.includes(from)) throw new Error(`${a.path} no longer has ${from}: update scripts/release.ts`)
          return { contents: text.replace(from, to), loader: 'ts' }
        })
      build.onResolve({ filter: /^@github\/keytar$/ }, () => ({ path: 'keytar', namespace: 'embedded-keytar' }))
      build.onLoad({ filter: /.*/, namespace: 'embedded-keytar' } as { filter: RegExp }, () => ({
        contents: `module.exports = require(${JSON.stringify(addon)})`,
        loader: 'js',
      }))
    },
  }
}

const wanted = args.length ? args : Object.keys(TARGETS)
rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })
const sums: string[] = []
for (const name of wanted) {
  const t = TARGETS[name]
  if (!t) throw new Error(`unknown target ${name}; one of ${Object.keys(TARGETS).join(', ')}`)
  const r = await Bun.build({
    entrypoints: [join(root, 'src', 'main.ts')],
    // No bunfig.toml or .env of the current directory, the repository git runs in (bin/bunfig.toml says why).
    compile: { target: t.bun, outfile: join(out, t.file), autoloadBunfig: false, autoloadDotenv: false },
    minify: true,
    define: { GCP_BUILD_VERSION: JSON.stringify(version) },
    plugins: [keytarPlugin(t.keytar)],
  })
  if (!r.success) {
    console.error(`release: ${name} failed:`, ...r.logs)
    process.exit(1)
  }
  const data = readFileSync(join(out, t.file))
  sums.push(`${createHash('sha256').update(data).digest('hex')}  ${t.file}`)
  console.log(`release/${t.file}: ${(data.length / 1e6).toFixed(1)} MB`)
}
writeFileSync(join(out, 'SHA256SUMS'), sums.join('\n') + '\n')
console.log('release/SHA256SUMS')
