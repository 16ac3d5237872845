#!/usr/bin/env bash
# Install git-credential-pat from this checkout. Idempotent: run it again at
# any time. Steps:
#   1. Debian packages: those needed at run time (required), and those only
#      the tests need (installed as root or via sudo, else named in a warning)
#   2. npm ci (which builds through `prepare`: dist/, the man page, completions)
#   3. link git-credential-pat into $PREFIX/bin, its man page into
#      $PREFIX/share/man/man1 and the bash and zsh completions
#   4. git config --global credential.helper pat   (skip with --no-git-config);
#      the absolute path of the program instead where $PREFIX/bin is not on
#      PATH, so git never names a program it cannot find
# --uninstall undoes 3 and 4 and stops every daemon of yours this checkout
# started; --purge also deletes the tokens (keychain items and state directories).
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)
bin="$here/bin/git-credential-pat"

git_config=1 build=1 uninstall=0 purge=0 yes=0
for arg in "$@"; do
  case "$arg" in
    --no-git-config) git_config=0 ;;
    --no-build) build=0 ;;
    --uninstall) uninstall=1 ;;
    --purge) purge=1 ;;
    --yes|-y) yes=1 ;;
    -h|--help)
      cat <<'USAGE'
Usage: ./install.sh [--no-git-config] [--no-build]
       ./install.sh --uninstall [--purge [--yes]] [--no-git-config]
Installs git-credential-pat from this checkout, and can be run again at any time:
Debian packages it needs (libsecret, a Secret Service, git, man-db; and, as root or
with sudo, those only the tests use), npm ci (which builds dist/, the man page and
the completions), git-credential-pat on PATH ($PREFIX/bin; default /usr/local as
root, else ~/.local), its man page and bash/zsh completions under $PREFIX/share,
and `git config --global credential.helper pat` (not with --no-git-config; the
program's absolute path instead when $PREFIX/bin is not on PATH).
  --no-build      skip the packages and npm ci: link what dist/ holds (npm run build)
  --uninstall     stop your daemons of this checkout, git-credential-pat setup --unset (not with
                  --no-git-config), remove the links, man page and completions;
                  the tokens stay
  --purge         with --uninstall: also delete the tokens' keychain items, the
                  state directories and the file: secrets add wrote, and the
                  empty directories install.sh made (asks first; --yes to not ask)
USAGE
      exit 0 ;;
    *) echo "install.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done
say() { printf 'install.sh: %s\n' "$*"; }
if [ "$purge" = 1 ] && [ "$uninstall" = 0 ]; then echo "install.sh: --purge goes with --uninstall" >&2; exit 2; fi

# Where the links go: $PREFIX, else /usr/local as root, else ~/.local. man
# finds $PREFIX/share/man through PATH's $PREFIX/bin (manpath(5)).
if [ -n "${PREFIX:-}" ]; then prefix=$PREFIX
elif [ "$(id -u)" = 0 ]; then prefix=/usr/local
else prefix="$HOME/.local"; fi
bindir="$prefix/bin"
# The program on PATH: dist/bin/git-credential-pat (Bun from its #! line, no
# shell: scripts/bundle.sh) where the build made one and the Bun it names is
# one only you or root can replace (the rule bin/git-credential-pat applies
# on every run; the #! line cannot), else the sh launcher.
trusted() { # trusted PATH: it and every directory above it owned by you or root, writable by nobody else but a root-owned sticky directory
  local p u m
  p=$(readlink -f -- "$1") || return 1
  while :; do
    read -r u m < <(stat -c '%u %a' -- "$p") || return 1
    [ "$u" = 0 ] || [ "$u" = "$(id -u)" ] || return 1
    if (( 8#$m & 8#022 )); then [ "$u" = 0 ] && (( 8#$m & 8#1000 )) || return 1; fi
    [ "$p" = / ] && return 0
    p=$(dirname -- "$p")
  done
}
launcher() {
  if [ -x "$here/dist/bin/git-credential-pat" ] && trusted "$here/node_modules/bun/bin/bun.exe"; then echo "$here/dist/bin/git-credential-pat"; else echo "$bin"; fi
}
# Every daemon of this user started from this checkout (runtime/detached.ts
# starts it as RUNTIME [OPTIONS] $here/bin/git-credential-pat daemon run),
# whatever environment it serves: one started from an SSH shell too.
our_daemons() {
  ps -u "$(id -u)" -o pid=,args= | while read -r pid args; do
    case "$args" in *" $bin daemon run") echo "$pid" ;; esac
  done
}
links=(
  "$bindir/git-credential-pat=$(launcher)"
  "$prefix/share/man/man1/git-credential-pat.1=$here/dist/man/git-credential-pat.1"
  "$prefix/share/bash-completion/completions/git-credential-pat=$here/dist/completion/git-credential-pat"
  "$prefix/share/zsh/site-functions/_git-credential-pat=$here/dist/completion/_git-credential-pat"
)

if [ "$uninstall" = 1 ]; then
  # Refused before anything changes: a purge deletes tokens nobody can get back.
  if [ "$purge" = 1 ] && [ "$yes" = 0 ]; then
    if [ ! -t 0 ]; then echo "install.sh: --purge deletes your tokens; run it at a terminal to confirm, or add --yes" >&2; exit 2; fi
    read -r -p "Delete every token's secret from the keychain and git-credential-pat's state directories? [y/N] " answer
    case "$answer" in [yY]*) ;; *) say "nothing changed"; exit 1 ;; esac
  fi
  runnable=0
  [ -f "$here/dist/bundle/main.js" ] && runnable=1
  if [ "$runnable" = 1 ]; then "$bin" daemon stop >/dev/null 2>&1 || true; fi
  # Then those of other environments (another XDG_RUNTIME_DIR, an SSH session): SIGTERM, as daemon stop ends one.
  pids=$(our_daemons)
  if [ -n "$pids" ]; then
    # shellcheck disable=SC2086
    kill $pids 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do [ -z "$(our_daemons)" ] && break; sleep 0.2; done
    say "stopped $(echo $pids | wc -w) daemon(s) of this checkout"
  else
    say "no daemon of this checkout was running"
  fi
  if [ "$runnable" = 1 ]; then
    if [ "$git_config" = 1 ]; then "$bin" setup --unset --global || say "setup --unset failed (see above)" >&2; fi
  else
    say "dist/ is not built: run git-credential-pat setup --unset yourself, or remove credential.helper pat from your git config" >&2
  fi
  # Only links into this checkout: another install's files are not ours to remove.
  for l in "${links[@]}"; do
    link=${l%%=*} target=${l#*=}
    # The program's link may name either launcher (an install before the build made the #! one).
    [ "$link" = "$bindir/git-credential-pat" ] && [ "$(readlink "$link" 2>/dev/null)" = "$bin" ] && target=$bin
    if [ -L "$link" ] && [ "$(readlink "$link")" = "$target" ]; then rm -f "$link"; say "removed $link"
    elif [ -e "$link" ] || [ -L "$link" ]; then say "left $link: it is not a link to this checkout"; fi
  done
  if [ "$purge" = 1 ]; then
    [ "$runnable" = 1 ] || { say "dist/ is not built: cannot purge (npm run build first)" >&2; exit 1; }
    tokens=$("$bin" list --json)
    # file: secrets that add wrote (fileWritten; never a file that was there before it):
    # listed, and deleted with --yes or when the answer is yes.
    files=$(node -e 'for (const t of JSON.parse(process.argv[1])) if (t.fileWritten && t.source.startsWith("file:")) console.log(t.source.slice(5))' "$tokens")
    if [ -n "$files" ]; then
      say "secret files that git-credential-pat add wrote:"; sed 's/^/  /' <<<"$files"
      answer=y
      if [ "$yes" = 0 ]; then read -r -p "Delete these files too? [y/N] " answer; fi
      case "$answer" in
        [yY]*) while read -r f; do { [ -f "$f" ] && [ -O "$f" ] && rm -f "$f" && say "removed $f"; } || true; done <<<"$files" ;;
        *) say "kept them" ;;
      esac
    fi
    # remove deletes only this store's keychain items (state/keychain-account.ts).
    names=$(node -e 'for (const t of JSON.parse(process.argv[1])) console.log(t.name)' "$tokens")
    if [ -n "$names" ]; then mapfile -t name_list <<<"$names"; "$bin" remove --yes "${name_list[@]}"; fi
    # The state directories, as the program computes them (state/paths.ts).
    node --input-type=module -e '
      const { statePaths } = await import(process.argv[1] + "/dist/state/paths.js")
      const { dirname } = await import("node:path")
      const p = statePaths(process.env)
      console.log([p.data, dirname(p.log), dirname(p.warnState), p.runtime, p.pending].join("\n"))' "$here" | sort -u |
      while read -r d; do
        [ -e "$d" ] || continue
        if [ -n "${GIT_CREDENTIAL_PAT_HOME:-}" ] && [ "$d" = "$GIT_CREDENTIAL_PAT_HOME" ]; then
          # A directory the user chose: only what the program keeps there.
          rm -rf "$d"/tokens.json "$d"/tokens.json.* "$d"/git-config.json "$d"/git-config.json.* "$d"/warned.json "$d"/warned.json.* "$d"/rotating-*.lock "$d"/log "$d"/run "$d"/pending
          rmdir "$d" 2>/dev/null && say "removed $d" || say "left $d: it holds other files"
        elif [ "$(basename "$d")" = git-credential-pat ] || [ "$(basename "$(dirname "$d")")" = git-credential-pat ]; then
          rm -rf "$d"; say "removed $d"
        fi
      done
  fi
  if [ "$purge" = 1 ] && [ -f "$here/.made-dirs" ]; then
    # Deepest first; only those still empty (another program's files keep theirs).
    sort -ru "$here/.made-dirs" | while read -r d; do { [ -d "$d" ] && rmdir "$d" 2>/dev/null && say "removed $d"; } || true; done
    rm -f "$here/.made-dirs"
  fi
  say "uninstalled; the checkout ($here) stays: delete it yourself"
  exit 0
fi

if [ "$build" = 1 ]; then
# 1. Debian packages. At run time: libsecret for keytar; gnome-keyring and
#    dbus, a Secret Service for desktop use (and the tests' private one);
#    git; man-db so `git credential-pat --help` (git runs `man
#    git-credential-pat`) finds the page on slim images; procps.
#    Only for the tests (scripts/test.sh names those missing): tmux and
#    util-linux (script) for the terminal-prompt tests, pass and gnupg for
#    the exec: source tests, libsecret-tools (secret-tool), and
#    openssh-server, openssh-client and bubblewrap for the forwarding tests.
runtime_packages=(libsecret-1-0 gnome-keyring dbus dbus-bin git man-db procps)
test_packages=(libsecret-tools tmux util-linux pass gnupg openssh-server openssh-client bubblewrap)
if command -v dpkg-query >/dev/null 2>&1; then
  absent() { for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"; done; }
  mapfile -t missing_runtime < <(absent "${runtime_packages[@]}")
  mapfile -t missing_test < <(absent "${test_packages[@]}")
  if [ "$(id -u)" = 0 ]; then sudo=(); elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo=(sudo -n); else sudo=(none); fi
  if [ "${sudo[*]}" = none ]; then
    if [ ${#missing_runtime[@]} -gt 0 ]; then
      say "please install these Debian packages (needs root): ${missing_runtime[*]}" >&2
      exit 1
    fi
    [ ${#missing_test[@]} -eq 0 ] || say "warning: npm test needs these Debian packages too (install them as root): ${missing_test[*]}" >&2
  elif [ $((${#missing_runtime[@]} + ${#missing_test[@]})) -gt 0 ]; then
    say "installing Debian packages: ${missing_runtime[*]} ${missing_test[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing_runtime[@]}" "${missing_test[@]}" >/dev/null
  else
    say "Debian packages present: ${runtime_packages[*]} ${test_packages[*]}"
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
fi
# Built once, by npm ci's prepare; again only if something is missing.
[ -f dist/bundle/main.js ] && [ -f dist/man/git-credential-pat.1 ] && [ -f dist/completion/git-credential-pat ] || npm run --silent build
say "built dist/"
links[0]="$bindir/git-credential-pat=$(launcher)" # the build may have made the #! launcher just now

# 3. Put git-credential-pat on PATH, its man page and completions beside it.
# The directories made for them are noted (.made-dirs, beside this script) so that
# --purge removes those left empty, and never one that was there before.
for l in "${links[@]}"; do
  link=${l%%=*} target=${l#*=}
  d=$(dirname "$link") new=()
  while [ ! -e "$d" ]; do new+=("$d"); d=$(dirname "$d"); done
  mkdir -p "$(dirname "$link")"
  for d in "${new[@]}"; do echo "$d" >>"$here/.made-dirs" 2>/dev/null || true; done
  ln -sfn "$target" "$link"
done
say "linked $bindir/git-credential-pat -> $(launcher), its man page and bash/zsh completions under $prefix/share"
on_path=1
case ":$PATH:" in
  *":$bindir:"*) ;;
  *) on_path=0; say "note: $bindir is not on your PATH; add it, e.g. export PATH=\"$bindir:\$PATH\"" ;;
esac
if [ "$prefix" = "$HOME/.local" ]; then say "zsh: completion needs fpath+=(~/.local/share/zsh/site-functions) before compinit"; fi

# 4. Tell git to use it.
if [ "$git_config" = 1 ]; then
  # setup puts pat first; it names git's store/cache helpers and, at a terminal, offers to remove them.
  # Where git cannot find git-credential-pat on PATH it gets the program's absolute path (as GCM writes its own).
  if [ "$on_path" = 1 ]; then setup_args=(--global); else setup_args=(--global "--absolute=$bindir/git-credential-pat"); fi
  if "$bin" setup "${setup_args[@]}"; then
    if [ "$on_path" = 1 ]; then say "git now asks git-credential-pat first (credential.helper pat)"
    else say "git now asks git-credential-pat first by its absolute path (credential.helper $bindir/git-credential-pat): $bindir is not on PATH; once it is, git-credential-pat setup writes plain pat"; fi
  else
    say "setup failed (see above); run it again later: git-credential-pat setup --global" >&2
  fi
else
  say "left git config alone (--no-git-config)"
fi
say "done"
