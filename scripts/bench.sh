#!/usr/bin/env bash
# npm run bench: git-credential-pat's `get` (as installed: the launcher, so
# Bun) against its floors and git's own helpers, in one interleaved run
# inside the throwaway keyring session the tests use.
# Options go to bench.ts (--runs N, --json, --quick).
#
# One peer, git's C helper git-credential-libsecret, is compiled here from
# the source Debian's git package ships. It needs libsecret-1-dev and a C
# compiler: run as root, the bench installs what is missing with apt-get;
# otherwise it names them and leaves only that peer out. These are bench
# tools: install.sh, which users run, never installs them.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
src=/usr/share/doc/git/contrib/credential/libsecret/git-credential-libsecret.c
mkdir -p "$here/bench/tmp"
build=$(mktemp -d "${TMPDIR:-/tmp}/gcp-bench-build.XXXXXX")
trap 'rm -rf "$build"' EXIT

# What compiling the peer lacks, as Debian package names.
missing_for_libsecret() {
  local m=()
  command -v cc >/dev/null 2>&1 || m+=(gcc libc6-dev)
  command -v pkg-config >/dev/null 2>&1 || m+=(pkg-config)
  if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists libsecret-1 glib-2.0 2>/dev/null; then m+=(libsecret-1-dev); fi
  [ ${#m[@]} -eq 0 ] || printf '%s\n' "${m[@]}"
}

libsecret_skip=''
if [ ! -f "$src" ] && [ -f "$src.gz" ]; then
  gunzip -c "$src.gz" >"$build/git-credential-libsecret.c" && src=$build/git-credential-libsecret.c
fi
if [ ! -f "$src" ]; then
  libsecret_skip="git's libsecret helper source is not at $src (Debian/Ubuntu: apt-get install git)"
else
  mapfile -t need < <(missing_for_libsecret)
  if [ ${#need[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bench: installing ${need[*]} to compile git-credential-libsecret (bench only; install.sh never does)" >&2
    if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"; } >"$build/apt.log" 2>&1; then
      echo "bench: apt-get failed:" >&2
      tail -n 5 "$build/apt.log" >&2
    fi
    mapfile -t need < <(missing_for_libsecret)
  fi
  if [ ${#need[@]} -gt 0 ]; then
    libsecret_skip="git-credential-libsecret left out: compiling it needs ${need[*]} (as root: apt-get install ${need[*]})"
  else
    # Flags of git's contrib Makefile, into a temp dir (nothing installed).
    # shellcheck disable=SC2046
    if cc -O2 -o "$build/git-credential-libsecret" "$src" $(pkg-config --cflags --libs libsecret-1 glib-2.0) 2>"$build/cc.log"; then
      export GCP_BENCH_LIBSECRET="$build/git-credential-libsecret"
    else
      libsecret_skip="git-credential-libsecret left out: compiling $src failed: $(head -c 300 "$build/cc.log")"
    fi
  fi
fi
if [ -n "$libsecret_skip" ]; then
  echo "bench: $libsecret_skip" >&2
  export GCP_BENCH_LIBSECRET_SKIPPED="$libsecret_skip"
fi

(cd "$here" && npx esbuild scripts/bench.ts --bundle --platform=node --format=esm --target=node20 \
  --packages=external --log-level=warning --outfile=bench/tmp/bench.mjs)
# Not exec: the trap removes the compiled peer afterwards.
"$here/scripts/keyring-session.sh" node "$here/bench/tmp/bench.mjs" "$@"
