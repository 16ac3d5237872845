#!/usr/bin/env bash
# npm test: the whole suite (or the files given) with tap, inside a private
# D-Bus session and throwaway keyring (scripts/keyring-session.sh). It never
# skips: without dbus or gnome-keyring it fails and says to run ./install.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
exec "$here/scripts/keyring-session.sh" npx tap "$@"
