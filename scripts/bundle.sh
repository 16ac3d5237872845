#!/usr/bin/env bash
# Bundle the git-side path (get/store/erase) into one CommonJS file,
# dist/git-credential-pat.cjs. git runs the helper on every authenticated
# request, and Node's ESM loader plus one file per module cost more than the
# work itself (issue 7). Everything off that path stays in tsc's ESM output
# (dist/*.js) and is loaded with import() only when needed: the CLI (yargs),
# the daemon server (pino), the prompt, expiry warnings, forge checks, and
# the metadata lock and atomic write used only by store/erase.
set -euo pipefail
cd "$(dirname "$0")/.."
lazy=(./cli.js ./daemon/server.js ./prompt.js ./warn-state.js ./forge.js)
externals=(@github/keytar pino proper-lockfile write-file-atomic "${lazy[@]}")
# Both the bundle and tsc's modules sit directly in dist/, so relative
# import() paths of top-level modules resolve alike. import.meta.url is
# only used to find bin/ from a module one directory below dist/.
npx esbuild src/main.ts --bundle --platform=node --format=cjs --target=node20 \
  --outfile=dist/git-credential-pat.cjs --sourcemap --minify --log-level=warning \
  "${externals[@]/#/--external:}" \
  --define:import.meta.url=__bundle_meta_url \
  "--banner:js=const __bundle_meta_url = require('node:url').pathToFileURL(__dirname + '/_/bundle.js').href;"
