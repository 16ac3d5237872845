#!/usr/bin/env bash
# Run a command inside a private D-Bus session with a throwaway GNOME Keyring
# unlocked by a test password, a temporary HOME and GIT_CREDENTIAL_PAT_HOME,
# so that tests and benchmarks never touch the user's keyring, git config or
# home. Usage: scripts/keyring-session.sh COMMAND [ARGS…]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

missing=()
for tool in dbus-run-session gnome-keyring-daemon git; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "git-credential-pat: missing ${missing[*]}: run ./install.sh first" >&2
  exit 1
fi
bash "$here/scripts/package.sh" fresh # builds when anything dist/ is made from changed

if [ "${GIT_CREDENTIAL_PAT_IN_TEST_SESSION:-}" != 1 ]; then
  export GIT_CREDENTIAL_PAT_IN_TEST_SESSION=1
  # dbus-daemon complains it cannot raise its fd limit when not root-capable; harmless.
  exec dbus-run-session -- bash "$0" "$@" 2> >(grep -v -e 'Failed to set fd limit' -e 'discover_other_daemon' >&2)
fi

# Inside the private session bus from here on.
sandbox=$(mktemp -d "${TMPDIR:-/tmp}/gcp-session.XXXXXX")
# The tests' own temporary directories go in a TMPDIR of this session's,
# removed with it, so no run leaves hundreds behind in /tmp. It is 0700 and
# the runner's, a directory the product itself trusts for its socket (see
# daemon/runtime.ts); tests that need a second uid to reach a directory
# make theirs in /tmp.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gcp-tmp.XXXXXX")
chmod 700 "$tmp"
# Every process started in this session carries this mark in its
# environment, daemons included (they keep the environment): whatever a
# test leaves behind is found by it and ended here.
export GIT_CREDENTIAL_PAT_TEST_RUN="${sandbox##*/}"
leftovers() {
  local e p
  for e in /proc/[0-9]*/environ; do
    p=${e#/proc/} p=${p%/environ}
    [ "$p" = $$ ] || [ "$p" = "$BASHPID" ] || ! [ -O "$e" ] && continue
    if grep -qzx "GIT_CREDENTIAL_PAT_TEST_RUN=$GIT_CREDENTIAL_PAT_TEST_RUN" "$e" 2>/dev/null; then echo "$p"; fi
  done
  return 0 # none found is no failure (set -e would end the cleanup, and the run, with grep's 1)
}
cleanup() {
  pkill -P $$ gnome-keyring-d 2>/dev/null || true
  [ -n "${keyring_pid:-}" ] && kill "$keyring_pid" 2>/dev/null || true
  local left p
  # The session's own keyring daemon (it detaches, so pkill -P misses it) is no test's leftover.
  for p in $(leftovers); do
    case "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" in gnome-keyring-daemon*) kill "$p" 2>/dev/null || true ;; esac
  done
  left=$(leftovers || true)
  if [ -n "$left" ]; then
    echo "# keyring-session: ended processes a test left behind: $(for p in $left; do tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-120; echo "($p);"; done | tr '\n' ' ')" >&2
    # shellcheck disable=SC2086
    kill $left 2>/dev/null || true
    sleep 1
    # shellcheck disable=SC2086
    kill -9 $(leftovers) 2>/dev/null || true
  fi
  rm -rf "$sandbox" "$tmp"
}
trap cleanup EXIT
export TMPDIR="$tmp"

export HOME="$sandbox/home"
export XDG_CONFIG_HOME="$HOME/.config" XDG_DATA_HOME="$HOME/.local/share"
export XDG_STATE_HOME="$HOME/.local/state" XDG_CACHE_HOME="$HOME/.cache"
export XDG_RUNTIME_DIR="$sandbox/run"
export GIT_CREDENTIAL_PAT_HOME="$sandbox/pat-home"
export GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
unset GIT_ASKPASS SSH_ASKPASS GIT_CONFIG_GLOBAL
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME"
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
git config --global user.name "git-credential-pat tests"
git config --global user.email tests@git-credential-pat.invalid
git config --global init.defaultBranch main

# gnome-keyring-daemon prints shell assignments for the variables clients need.
eval "$(printf '%s' 'throwaway-test-password' | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)"
export GNOME_KEYRING_CONTROL
keyring_pid=${GNOME_KEYRING_PID:-}
export GIT_CREDENTIAL_PAT_TEST_KEYRING=1

cd "$here"
export PATH="$here/bin:$PATH"
"$@"
