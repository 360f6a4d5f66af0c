#!/usr/bin/env bash
# Incremental builds with the page cache (src/build/pages.rs) against full builds, same run.
#
#   bench/incr.sh [--sizes "100000"] [--full-only "300000"] [--runs 3] [--dir DIR] [--bin BIN]
#
# For each N of --sizes, on `gen_site --records N --seed 1` (output on tmpfs):
#   full        `gongshi build --no-cache` into a fresh folder (cache written), --runs times;
#   one record  one document's body edited, `gongshi build` (page cache used), --runs times
#               (a different record each time);
#   day change  `--now` one day later with the cache, then back, --runs times (each is a
#               one-day change against the cache the build before wrote);
# each as wall, user, sys (s) and peak RSS (KiB) from /usr/bin/time -f "%e %U %S %M"; the
# medians, the one-record and day-change medians as a share of the full build's, the output
# size and the cache size. Sizes in --full-only get one full build each (time, RSS, output).
# After the last incremental build of each size the output is compared (diff -r) with a
# clean build. Prints Markdown on stdout; raw lines go to DIR/results/incr.txt.
set -euo pipefail

SIZES="100000"
FULL_ONLY=""
RUNS=3
DIR=""
BIN=""
NOW="2026-11-25T10:00:00+08:00"
NEXT="2026-11-26T10:00:00+08:00"
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) SIZES="$2"; shift 2 ;;
    --full-only) FULL_ONLY="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --dir) DIR="$2"; shift 2 ;;
    --bin) BIN="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
[ -n "$DIR" ] || DIR=/dev/shm/gongshi-incr
[ -n "$BIN" ] || BIN="$ROOT/target/release/gongshi"
# The generator's output does not depend on its build profile.
GEN="$ROOT/target/release/examples/gen_site"
[ -x "$GEN" ] || GEN="$ROOT/target/debug/examples/gen_site"
mkdir -p "$DIR/results"
RAW="$DIR/results/incr.txt"
: > "$RAW"
log() { echo "[incr] $*" >&2; }
[ -x "$BIN" ] && [ -x "$GEN" ] || { log "build first: cargo build --release --bin gongshi --example gen_site"; exit 2; }
log "binary: $BIN ($(sha256sum "$BIN" | cut -c1-12))"


# One timed build: prints "wall user sys maxrss_kib".
timed() {
  local t
  t=$(mktemp)
  /usr/bin/time -f "%e %U %S %M" -o "$t" "$BIN" build -q "$@" >&2
  cat "$t"
  rm -f "$t"
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
col() { awk -v c="$1" '{print $c}'; }

site_of() {
  local n=$1 s="$DIR/site-$1"
  if [ ! -f "$s/site.toml" ]; then
    log "generating $n records"
    "$GEN" --records "$n" --seed 1 --out "$s" >&2
  fi
  echo "$s"
}

echo "| records | case | wall (median) | user | sys | peak RSS | share of full (wall) |"
echo "|---:|---|---:|---:|---:|---:|---:|"
for N in $SIZES; do
  S=$(site_of "$N")
  OUT="$DIR/out-$N/public"
  CACHE="$DIR/out-$N/cache"
  FULL=()
  for i in $(seq "$RUNS"); do
    rm -rf "$DIR/out-$N"
    log "$N full build $i"
    r=$(timed --no-cache --root "$S" --out "$OUT" --cache-dir "$CACHE" --now "$NOW")
    echo "$N full $r" >> "$RAW"
    FULL+=("$r")
  done
  fw=$(printf '%s\n' "${FULL[@]}" | col 1 | median)
  row() {
    local name=$1; shift
    local w u s m
    w=$(printf '%s\n' "$@" | col 1 | median)
    u=$(printf '%s\n' "$@" | col 2 | median)
    s=$(printf '%s\n' "$@" | col 3 | median)
    m=$(printf '%s\n' "$@" | col 4 | median)
    echo "| $N | $name | ${w} s | ${u} s | ${s} s | $((m / 1024)) MiB | $(awk -v a="$w" -v b="$fw" 'BEGIN {printf "%.1f %%", 100 * a / b}') |"
  }
  row "full build (--no-cache)" "${FULL[@]}"
  ONE=()
  mapfile -t DOCS < <(find "$S/content/documents" -name 'doc-*.md' | sort | head -n "$RUNS")
  for f in "${DOCS[@]}"; do
    printf '\n补充说明（基准测试）。\n' >> "$f"
    log "$N one-record rebuild ($f)"
    r=$(timed --root "$S" --out "$OUT" --cache-dir "$CACHE" --now "$NOW")
    echo "$N one $r" >> "$RAW"
    ONE+=("$r")
  done
  row "one record edited" "${ONE[@]}"
  DAY=()
  when=("$NEXT" "$NOW")
  for i in $(seq "$RUNS"); do
    t=${when[$(( (i - 1) % 2 ))]}
    log "$N day change to $t"
    r=$(timed --root "$S" --out "$OUT" --cache-dir "$CACHE" --now "$t")
    echo "$N day $r" >> "$RAW"
    DAY+=("$r")
  done
  row "next day (--now + 1 day)" "${DAY[@]}"
  last=${when[$(( (RUNS - 1) % 2 ))]}
  log "$N clean build to compare"
  rm -rf "$DIR/clean-$N"
  "$BIN" build -q --no-cache --root "$S" --out "$DIR/clean-$N/public" \
    --cache-dir "$DIR/clean-$N/cache" --now "$last" >&2
  if diff -rq "$OUT" "$DIR/clean-$N/public" >&2; then same="identical"; else same="DIFFERENT"; fi
  rm -rf "$DIR/clean-$N"
  echo "$N: output $(du -sb "$OUT" | col 1) bytes in $(find "$OUT" -type f | wc -l) files;" \
    "cache $(du -sb "$CACHE" | col 1) bytes; incremental output $same to a clean build" >> "$RAW"
done
for N in $FULL_ONLY; do
  S=$(site_of "$N")
  rm -rf "$DIR/out-$N"
  log "$N full build"
  r=$(timed --no-cache --root "$S" --out "$DIR/out-$N/public" --cache-dir "$DIR/out-$N/cache" --now "$NOW")
  echo "$N full $r" >> "$RAW"
  set -- $r
  echo "| $N | full build (--no-cache), one run | $1 s | $2 s | $3 s | $(($4 / 1024)) MiB | – |"
  echo "$N: output $(du -sb "$DIR/out-$N/public" | col 1) bytes in $(find "$DIR/out-$N/public" -type f | wc -l) files;" \
    "cache $(du -sb "$DIR/out-$N/cache" | col 1) bytes" >> "$RAW"
  rm -rf "$DIR/out-$N"
done
echo
grep -v ' full \| one \| day ' "$RAW" | sed 's/^/- /'
