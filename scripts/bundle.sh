#!/usr/bin/env bash
# Bundle the program into dist/bundle/: one ES module graph (esbuild with
# code splitting), so every module is evaluated once per process whichever
# path loads it, and what a get does not need (yargs, pino, the prompt, the
# forge code) stays in chunks loaded by import() only when asked for.
# Native and CommonJS-heavy packages stay external and load from
# node_modules. Chunks sit beside main.js, two levels below the root as
# src/*/ modules do, so import.meta.url finds bin/ alike. Then record the
# runtimes bin/git-credential-pat uses (SPEC §10): dist/bun holds the Bun
# binary's path if it runs on this platform; dist/node the Node fallback.
set -euo pipefail
cd "$(dirname "$0")/.."
externals=(@github/keytar pino write-file-atomic)
# Built aside, then swapped in by renaming a symlink (atomic): a helper git
# starts during a rebuild sees the old bundle or the new one, never none.
mkdir -p dist
out=$(mktemp -d dist/bundle.XXXXXX)
npx esbuild src/main.ts --bundle --splitting --platform=node --format=esm --target=node20 \
  --outdir="$out" --chunk-names='[name]-[hash]' --sourcemap --minify --log-level=warning \
  "${externals[@]/#/--external:}"
chmod 755 "$out"
[ -L dist/bundle ] || rm -rf dist/bundle
ln -sfn "${out#dist/}" "dist/bundle.link.$$"
mv -T "dist/bundle.link.$$" dist/bundle
# Older builds go once nothing can still be loading them (builds may run
# concurrently: never the one the link names now, never a fresh one).
live=$(readlink dist/bundle)
find dist -maxdepth 1 -name 'bundle.??????' -type d -mmin +2 ! -name "$live" -exec rm -rf {} +

bun="$(pwd)/node_modules/bun/bin/bun.exe"
if [ -x "$bun" ] && "$bun" -e 0 >/dev/null 2>&1; then
  printf '%s\n' "$bun" >dist/bun
else
  rm -f dist/bun # no Bun binary for this platform: the launcher uses Node
fi
node -p process.execPath >dist/node
