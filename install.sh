#!/usr/bin/env bash
# Install git-credential-pat from this checkout. Idempotent: run it again at
# any time. Steps:
#   1. Debian packages needed at run time and by the tests (as root or via sudo)
#   2. npm ci (which builds through `prepare`)
#   3. link git-credential-pat into $PREFIX/bin
#   4. git config --global credential.helper pat   (skip with --no-git-config)
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)

git_config=1
for arg in "$@"; do
  case "$arg" in
    --no-git-config) git_config=0 ;;
    -h|--help)
      cat <<'USAGE'
Usage: ./install.sh [--no-git-config]
Installs git-credential-pat from this checkout, and can be run again at any time:
Debian packages it needs (libsecret, a Secret Service for the tests, git),
npm ci (which builds dist/), git-credential-pat on PATH, and
`git config --global credential.helper pat` (not with --no-git-config).
USAGE
      exit 0 ;;
    *) echo "install.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done
say() { printf 'install.sh: %s\n' "$*"; }

# 1. Debian packages: libsecret for keytar at run time; dbus, gnome-keyring
#    for the tests' private Secret Service; git; tmux and util-linux (script)
#    for the terminal-prompt tests; pass and gnupg for the exec: source tests
#    (a manifest token read from pass).
packages=(libsecret-1-0 libsecret-tools gnome-keyring dbus dbus-bin git tmux util-linux procps pass gnupg)
if command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then sudo=(); elif command -v sudo >/dev/null 2>&1; then sudo=(sudo); else sudo=(); fi
    if [ "$(id -u)" = 0 ] || [ ${#sudo[@]} -gt 0 ]; then
      say "installing Debian packages: ${missing[*]}"
      "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
      "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
      say "please install these Debian packages (needs root): ${missing[*]}" >&2
      exit 1
    fi
  else
    say "Debian packages present: ${packages[*]}"
  fi
else
  say "not a Debian system: make sure libsecret, gnome-keyring (or another Secret Service) and dbus are installed"
fi

# 2. Node dependencies and the build.
command -v node >/dev/null || { say "node (>= 20) is required" >&2; exit 1; }
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 20 ] || { say "node >= 20 is required (found $(node --version))" >&2; exit 1; }
say "npm ci"
npm ci --no-audit --no-fund --loglevel=error # builds dist/ through the prepare script
[ -f dist/bundle/main.js ] || npm run --silent build
say "built dist/"

# 3. Put git-credential-pat on PATH.
if [ -n "${PREFIX:-}" ]; then bindir="$PREFIX/bin"
elif [ "$(id -u)" = 0 ]; then bindir=/usr/local/bin
else bindir="$HOME/.local/bin"; fi
mkdir -p "$bindir"
ln -sfn "$here/bin/git-credential-pat" "$bindir/git-credential-pat"
say "linked $bindir/git-credential-pat -> $here/bin/git-credential-pat"
case ":$PATH:" in
  *":$bindir:"*) ;;
  *) say "note: $bindir is not on your PATH; add it, e.g. export PATH=\"$bindir:\$PATH\"" ;;
esac

# 4. Tell git to use it.
if [ "$git_config" = 1 ]; then
  # setup puts pat first; it names git's store/cache helpers and, at a terminal, offers to remove them.
  if "$here/bin/git-credential-pat" setup --global; then
    say "git now asks git-credential-pat first (credential.helper pat)"
  else
    say "setup failed (see above); run it again later: git-credential-pat setup --global" >&2
  fi
else
  say "left git config alone (--no-git-config)"
fi
say "done"
