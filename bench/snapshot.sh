#!/usr/bin/env bash
# The one-record rebuild from the build snapshot (`gongshi build --snapshot`) against a full
# build with --snapshot, for two binaries in turns, same run.
#
#   bench/snapshot.sh [--records 100000] [--runs 3] [--dir DIR] [--timings]
#                     [NAME=BIN ...]    (default: new=target/release/gongshi
#                                                 peer=/work/bin/gongshi-merged)
#
# On `gen_site --records N --seed 1` (site and outputs on tmpfs, DIR, default
# /dev/shm/gongshi-snapshot), for each binary in turn (each with its own output and cache
# folder):
#   full        the output and cache removed, `build --snapshot`, --runs times;
#   one record  one document's body edited (a different document each time), then each
#               binary `build --snapshot` (a patch of its snapshot), --runs times;
# each timed with /usr/bin/time -f "%e %U %S %M" (wall, user, sys, peak RSS). Prints the
# medians of wall, CPU (user+sys) and peak RSS, and the one-record CPU as a share of the
# same binary's full build; the snapshot's size; then a clean build (`--no-cache`, the first
# binary) compared with `diff -r` to every binary's output. With --timings the last
# one-record build of each binary is run with GONGSHI_TIMINGS=1 (its phases go to
# DIR/results/). Raw lines go to DIR/results/snapshot.txt.
set -euo pipefail

N=100000
RUNS=3
DIR=/dev/shm/gongshi-snapshot
TIMINGS=0
BINS=()
NOW="2026-11-25T10:00:00+08:00"
while [ $# -gt 0 ]; do
  case "$1" in
    --records) N="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --dir) DIR="$2"; shift 2 ;;
    --timings) TIMINGS=1; shift ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *=*) BINS+=("$1"); shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
[ ${#BINS[@]} -gt 0 ] || BINS=("new=$ROOT/target/release/gongshi" "peer=/work/bin/gongshi-merged")
GEN="$ROOT/target/release/examples/gen_site"
[ -x "$GEN" ] || GEN="$ROOT/target/debug/examples/gen_site"
mkdir -p "$DIR/results"
RAW="$DIR/results/snapshot.txt"
: > "$RAW"
log() { echo "[snapshot] $*" >&2; }
for b in "${BINS[@]}"; do
  bin=${b#*=}
  [ -x "$bin" ] || { log "no binary $bin"; exit 2; }
  log "${b%%=*}: $bin ($(sha256sum "$bin" | cut -c1-12))"
done

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
# One timed build of binary $1 into output folder $2: prints "wall user sys maxrss_kib".
timed() {
  local bin=$1 out=$2 t
  shift 2
  t=$(mktemp)
  /usr/bin/time -f "%e %U %S %M" -o "$t" "$bin" build -q --root "$S" --out "$out/public" \
    --now "$NOW" "$@" >&2
  cat "$t"
  rm -f "$t"
}

S="$DIR/site-$N"
if [ ! -f "$S/site.toml" ]; then
  log "generating $N records"
  rm -rf "$S"
  "$GEN" --records "$N" --seed 1 --out "$S" >&2
fi

for i in $(seq "$RUNS"); do
  for b in "${BINS[@]}"; do
    name=${b%%=*} bin=${b#*=}
    rm -rf "$DIR/out-$name"
    log "$name full build $i"
    echo "$name full $(timed "$bin" "$DIR/out-$name" --snapshot)" >> "$RAW"
  done
done
for b in "${BINS[@]}"; do
  name=${b%%=*}
  echo "$name snapshot $(du -sb "$DIR/out-$name/.gongshi-cache" | cut -f1) bytes in the cache folder" >> "$RAW"
done
mapfile -t DOCS < <(find "$S/content/documents" -name 'doc-*.md' | sort | head -n "$RUNS")
i=0
for f in "${DOCS[@]}"; do
  i=$((i + 1))
  printf '\n补充说明（快照基准测试 %s）。\n' "$i" >> "$f"
  for b in "${BINS[@]}"; do
    name=${b%%=*} bin=${b#*=}
    log "$name one-record rebuild ($f)"
    if [ "$TIMINGS" = 1 ] && [ "$i" = "$RUNS" ]; then
      r=$(GONGSHI_TIMINGS=1 timed "$bin" "$DIR/out-$name" --snapshot 2> "$DIR/results/timings-$name.txt")
    else
      r=$(timed "$bin" "$DIR/out-$name" --snapshot)
    fi
    echo "$name one $r" >> "$RAW"
  done
done

stat_of() { # name case column → median
  awk -v n="$1" -v c="$2" '$1 == n && $2 == c' "$RAW" | awk -v k="$3" '{print $(k + 2)}' | median
}
cpu_of() {
  awk -v n="$1" -v c="$2" '$1 == n && $2 == c {print $4 + $5}' "$RAW" | median
}
echo "| $N records | case | wall (median) | CPU user+sys (median) | peak RSS (median) | CPU share of its full build |"
echo "|---|---|---:|---:|---:|---:|"
for b in "${BINS[@]}"; do
  name=${b%%=*}
  fc=$(cpu_of "$name" full)
  for c in full one; do
    w=$(stat_of "$name" "$c" 1)
    cpu=$(cpu_of "$name" "$c")
    m=$(stat_of "$name" "$c" 4)
    runs=$(awk -v n="$name" -v c="$c" '$1 == n && $2 == c {printf "%s%.2f", s, $4 + $5; s=", "}' "$RAW")
    label=$([ "$c" = full ] && echo "full build --snapshot" || echo "one record edited, --snapshot")
    echo "| $name | $label ($runs) | ${w} s | ${cpu} s | $((m / 1024)) MiB | $(awk -v a="$cpu" -v b="$fc" 'BEGIN {printf "%.1f %%", 100 * a / b}') |"
  done
done

first=${BINS[0]#*=}
log "clean build to compare"
rm -rf "$DIR/clean"
"$first" build -q --no-cache --root "$S" --out "$DIR/clean/public" --now "$NOW" >&2
for b in "${BINS[@]}"; do
  name=${b%%=*}
  if diff -rq "$DIR/out-$name/public" "$DIR/clean/public" >&2; then same="identical"; else same="DIFFERENT"; fi
  echo "$name: output after the edits $same to a clean build" >> "$RAW"
done
rm -rf "$DIR/clean"
echo
grep -v ' full \| one ' "$RAW" | sed 's/^/- /'
