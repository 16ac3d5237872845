#!/usr/bin/env bash
# npm run bench: measure `get` against Node's own start-up (issue 7), inside
# the same throwaway keyring session the tests use. Options go to bench.ts
# (--runs N, --json, --quick).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$here/bench/tmp"
(cd "$here" && npx esbuild scripts/bench.ts --bundle --platform=node --format=esm --target=node20 \
  --packages=external --log-level=warning --outfile=bench/tmp/bench.mjs)
exec "$here/scripts/keyring-session.sh" node "$here/bench/tmp/bench.mjs" "$@"
