#!/usr/bin/env bash
# npm test: the whole suite (or the files given) with tap, inside a private
# D-Bus session and throwaway keyring (scripts/keyring-session.sh). It never
# skips: without dbus or gnome-keyring it fails and says to run ./install.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# No cache daemon unless a test asks for one (test/e2e/daemon.ts does, and
# stops it): a daemon started on demand must not outlive the run.
export GIT_CREDENTIAL_PAT_DAEMON=never
exec "$here/scripts/keyring-session.sh" npx tap "$@"
