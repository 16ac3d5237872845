#!/usr/bin/env bash
# npm test: typecheck, lint, then the tests with tap inside a private D-Bus
# session and throwaway keyring (scripts/keyring-session.sh). It never
# skips: without dbus or gnome-keyring it fails and says to run ./install.sh.
#   npm test                 typecheck, lint, unit and end-to-end tests, and
#                            the coverage floor of src/core/ and src/git/
#   npm run test:unit        unit tests only (test/ mirroring src/)
#   npm run test:e2e         end-to-end, security and fault tests only
#   npm test -- FILE…        just those test files
# After tap, one plain closing line, the last thing printed:
# "tests: N passed, N failed, N skipped (needs root)". Tests that need root
# skip when not root (test/lib/root.ts); as root or under CI none may skip.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
e2e=(test/e2e test/security test/faults)
# Unit tests: test/*.ts and every folder that mirrors src/ (a new src/ layer
# gets its tests run without editing this list; a fixed list had left
# test/git/ out).
unit=(test/*.ts)
for d in test/*/; do
  case "${d%/}" in test/e2e | test/security | test/faults | test/lib) ;; *) unit+=("${d%/}") ;; esac
done
files=()
checks=0
case "${1:-}" in
  --unit) files=("${unit[@]}") ;;
  --e2e) files=("${e2e[@]}") ;;
  "") files=("${unit[@]}" "${e2e[@]}"); checks=1 ;;
  *) files=("$@") ;;
esac
if [ "$checks" = 1 ]; then
  echo "# typecheck (tsc --noEmit over src, test, scripts)"
  npx tsc --noEmit -p tsconfig.json
  echo "# lint (typescript-eslint, prettier --check)"
  npm run --silent lint
fi
# The tools the tests use, by the Debian package that brings each
# (install.sh installs them as root or with sudo): fail naming what is missing.
missing=()
for need in tmux:tmux script:util-linux pass:pass gpg:gnupg secret-tool:libsecret-tools ssh:openssh-client /usr/sbin/sshd:openssh-server bwrap:bubblewrap; do
  tool=${need%%:*} pkg=${need#*:}
  case $tool in /*) [ -x "$tool" ] ;; *) command -v "$tool" >/dev/null 2>&1 ;; esac || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "npm test: missing Debian packages the tests need: ${missing[*]} (as root: ./install.sh, or apt-get install ${missing[*]})" >&2
  exit 1
fi
# No cache daemon unless a test asks for one (test/e2e/daemon.ts does, and
# stops it): a daemon started on demand must not outlive the run.
export GIT_CREDENTIAL_PAT_DAEMON=never
out=$(mktemp "${TMPDIR:-/tmp}/gcp-tap.XXXXXX")
trap 'rm -f "$out"' EXIT
# tap runs in a session of its own (setsid): no test reaches the terminal
# this runs at unless it makes its own pty (tmux), so a test that would
# prompt on /dev/tty fails instead of waiting for an answer. The whole run is
# bounded: after GCP_TEST_TIMEOUT seconds (default 3600) it is stopped,
# naming the test files still running. Ctrl-C stops the session too.
limit=${GCP_TEST_TIMEOUT:-3600}
setsid "$here/scripts/keyring-session.sh" npx tap "${files[@]}" > >(tee "$out") 2>&1 &
tap_pid=$!
stop_run() { kill -TERM -- "-$tap_pid" 2>/dev/null || true; }
trap 'stop_run; exit 130' INT
trap 'stop_run; exit 143' TERM
running_tests() {
  ps -s "$tap_pid" -o args= 2>/dev/null | grep -oE '(^| )test/[^ ]+\.ts( |$)' | tr -d ' ' | sort -u | tr '\n' ' '
}
(
  # The sleep goes with this subshell: it must not hold the output open after the run.
  trap 'kill "$nap" 2>/dev/null; exit 0' TERM
  sleep "$limit" >/dev/null 2>&1 &
  nap=$!
  wait "$nap"
  echo "npm test: stopped after ${limit} s (GCP_TEST_TIMEOUT); still running: $(running_tests)" >&2
  stop_run
) &
watchdog=$!
status=0
wait "$tap_pid" || status=$?
kill "$watchdog" 2>/dev/null || true
wait "$watchdog" 2>/dev/null || true
sleep 0.2 # tee's last lines
summary=$(grep -E '^# \{ total: [0-9]+' "$out" | tail -n 1 || true)
skipped_root=$(grep -cE '# SKIP .*skipped: needs root \(CI runs it as root\)' "$out" || true)
if [ "$(id -u)" = 0 ] || [ -n "${CI:-}" ]; then
  if [ "${skipped_root:-0}" -gt 0 ]; then
    echo "npm test: $skipped_root test(s) skipped as needing root, but this run is root or CI: none may be skipped" >&2
    status=1
  fi
fi
# The coverage floor of src/core/ and src/git/ (scripts/coverage-check.mjs),
# judged on a whole run only: a subset would leave files untested. tap
# writes its json-summary from the coverage this run collected (unit tests
# only: scripts/coverage-map.mjs maps the end-to-end ones to no file).
if [ "$checks" = 1 ]; then
  rm -f .tap/report/coverage-summary.json
  if ! npx tap report json-summary >/dev/null || ! node scripts/coverage-check.mjs; then
    echo "npm test: the coverage floor of src/core/ and src/git/ is not met (scripts/coverage-check.mjs)" >&2
    status=1
  fi
fi
if [ -n "$summary" ]; then
  pass=$(sed -nE 's/.*pass: ([0-9]+).*/\1/p' <<<"$summary"); pass=${pass:-0}
  fail=$(sed -nE 's/.*fail: ([0-9]+).*/\1/p' <<<"$summary"); fail=${fail:-0}
  echo "tests: $pass passed, $fail failed, ${skipped_root:-0} skipped (needs root)"
fi
exit "$status"
