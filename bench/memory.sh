#!/usr/bin/env bash
# Peak memory (and wall, CPU) of full builds of a generated site, for one or more gongshi
# binaries measured in the same run, alternating between them.
#
#   bench/memory.sh [--records 100000] [--runs 3] [--dir DIR] [--gen-rev REV] NAME=BIN [NAME=BIN …]
#
# Generates the site once (examples/gen_site, seed 1; built with rustc, it has no
# dependencies), then runs `BIN build --no-cache --now 2026-11-25T10:00:00+08:00` into a fresh
# output folder on tmpfs --runs times per binary, the binaries taking turns (A B A B …) so
# that a change in the machine's load hits them alike. Each run is measured with
# `/usr/bin/time -f "%e %U %S %M"`; the script prints every run and, per binary, the medians
# of wall, user+sys CPU and peak RSS (MiB), and the peak-RSS ratio of each binary to the
# first. `--gen-rev REV` generates the site with gen_site as it was at commit REV (a site an
# older binary can build: dbb3875 refuses the fields gen_site writes since 9352052, e.g.
# `--gen-rev dbb3875`). Example, a binary against the commit before a change:
#
#   git worktree add /tmp/base BASE && (cd /tmp/base && cargo build --release)
#   cargo build --release
#   bench/memory.sh base=/tmp/base/target/release/gongshi new=target/release/gongshi
set -euo pipefail

RECORDS=100000
RUNS=3
DIR=""
GEN_REV=""
NOW="2026-11-25T10:00:00+08:00"
BINS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --records) RECORDS="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --dir) DIR="$2"; shift 2 ;;
    --gen-rev) GEN_REV="$2"; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *=*) BINS+=("$1"); shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[ ${#BINS[@]} -gt 0 ] || { echo "no NAME=BIN given (see --help)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
if [ -z "$DIR" ]; then
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then DIR=/dev/shm/gongshi-mem; else DIR=/tmp/gongshi-mem; fi
fi
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$DIR"
log() { echo "[memory] $*" >&2; }

SITE="$DIR/site-$RECORDS${GEN_REV:+-$GEN_REV}"
if [ ! -f "$SITE/site.toml" ]; then
  log "generating $RECORDS records into $SITE"
  GEN_SRC="$ROOT/examples/gen_site"
  if [ -n "$GEN_REV" ]; then
    rm -rf "$DIR/gen-src" && mkdir -p "$DIR/gen-src"
    git -C "$ROOT" archive "$GEN_REV" examples/gen_site | tar -x -C "$DIR/gen-src"
    GEN_SRC="$DIR/gen-src/examples/gen_site"
  fi
  rustc --edition 2021 -O "$GEN_SRC/main.rs" -o "$DIR/gen_site"
  rm -rf "$SITE"
  "$DIR/gen_site" --records "$RECORDS" --seed 1 --out "$SITE" >&2
fi

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

RESULTS="$DIR/results-$RECORDS.txt"
: >"$RESULTS"
echo "| run | binary | wall (s) | CPU user+sys (s) | peak RSS (MiB) |"
echo "|---:|---|---:|---:|---:|"
for run in $(seq 1 "$RUNS"); do
  for nb in "${BINS[@]}"; do
    name="${nb%%=*}"; bin="${nb#*=}"
    rm -rf "$DIR/out"
    /usr/bin/time -o "$DIR/time.txt" -f "%e %U %S %M" "$bin" build -q --root "$SITE" \
      --out "$DIR/out" --now "$NOW" --no-cache >/dev/null
    read -r wall user sys kib <"$DIR/time.txt"
    cpu=$(echo "$user + $sys" | bc | sed "s/^\./0./")
    mib=$(echo "scale=0; $kib / 1024" | bc)
    echo "$name $wall $cpu $mib" >>"$RESULTS"
    echo "| $run | $name | $wall | $cpu | $mib |"
  done
done
rm -rf "$DIR/out"

echo
echo "| binary | wall, median (s) | CPU, median (s) | peak RSS, median (MiB) | peak RSS / ${BINS[0]%%=*} |"
echo "|---|---:|---:|---:|---:|"
first=""
for nb in "${BINS[@]}"; do
  name="${nb%%=*}"
  w=$(awk -v n="$name" '$1 == n {print $2}' "$RESULTS" | median)
  c=$(awk -v n="$name" '$1 == n {print $3}' "$RESULTS" | median)
  m=$(awk -v n="$name" '$1 == n {print $4}' "$RESULTS" | median)
  [ -n "$first" ] || first=$m
  echo "| $name | $w | $c | $m | $(echo "scale=2; $m / $first" | bc) |"
done
