#!/usr/bin/env bash
# npm test: the whole suite (or the files given) with tap, inside a private
# D-Bus session and throwaway keyring (scripts/keyring-session.sh). It never
# skips: without dbus or gnome-keyring it fails and says to run ./install.sh.
# After tap, one plain closing line: "tests: N passed, N failed".
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# No cache daemon unless a test asks for one (test/e2e/daemon.ts does, and
# stops it): a daemon started on demand must not outlive the run.
export GIT_CREDENTIAL_PAT_DAEMON=never
out=$(mktemp "${TMPDIR:-/tmp}/gcp-tap.XXXXXX")
trap 'rm -f "$out"' EXIT
status=0
"$here/scripts/keyring-session.sh" npx tap "$@" 2>&1 | tee "$out" || status=${PIPESTATUS[0]}
summary=$(grep -E '^# \{ total: [0-9]+' "$out" | tail -n 1 || true)
if [ -n "$summary" ]; then
  pass=$(sed -nE 's/.*pass: ([0-9]+).*/\1/p' <<<"$summary"); pass=${pass:-0}
  fail=$(sed -nE 's/.*fail: ([0-9]+).*/\1/p' <<<"$summary"); fail=${fail:-0}
  echo "tests: $pass passed, $fail failed"
fi
exit "$status"
