#!/usr/bin/env bash
# Same-run comparison of the two ways `gongshi build` writes with a usable page cache: a new
# staging folder (GONGSHI_STAGING=1) and the update in place (src/build/output.rs InPlace),
# alternated. One-record rebuilds (a different document's body each time) and day changes
# (to the next day and back), RUNS of each per mode; prints "case mode wall user sys rss_kib".
#
#   bench/inplace.sh BIN SITE OUT CACHE [RUNS]
#
# SITE, OUT and CACHE as left by bench/incr.sh (a built output folder and its cache). The first
# build after a new binary renders every page (the cache names the binary): run one first.
set -euo pipefail
BIN=$1; S=$2; OUT=$3; CACHE=$4; RUNS=${5:-3}
T=$(mktemp); trap 'rm -f "$T"' EXIT
NOW="2026-11-25T10:00:00+08:00"; NEXT="2026-11-26T10:00:00+08:00"
uptime
n=100
for i in $(seq "$RUNS"); do
  for mode in staging inplace; do
    n=$((n+1)); f="$S/content/documents/doc-000$n.md"
    printf '\n补充说明（对比）。\n' >> "$f"
    if [ $mode = staging ]; then export GONGSHI_STAGING=1; else unset GONGSHI_STAGING; fi
    /usr/bin/time -f "%e %U %S %M" -o "$T" "$BIN" build -q --root "$S" --out "$OUT" --cache-dir "$CACHE" --now "$NOW"
    echo "one $mode $(cat "$T")"
  done
done
for i in $(seq "$RUNS"); do
  for mode in staging inplace; do
    if [ $mode = staging ]; then export GONGSHI_STAGING=1; else unset GONGSHI_STAGING; fi
    for t in "$NEXT" "$NOW"; do
      /usr/bin/time -f "%e %U %S %M" -o "$T" "$BIN" build -q --root "$S" --out "$OUT" --cache-dir "$CACHE" --now "$t"
      echo "day $mode $(cat "$T")"
    done
  done
done
uptime
