#!/bin/bash
# One-record commits at scale in a git repository (docs/performance.md, "2026-12-05: builds
# across commits and a fresh checkout"): gen_site RECORDS records, `git init && git add -A &&
# git commit`, a full `build --snapshot` by both binaries (outputs compared), one committed
# edit (MINE should patch, a binary with HEAD in the memo key builds in full; outputs
# compared), a commit of a file the build does not read, then every input touched (a fresh
# checkout: MINE should answer from the memo). CPU and peak RSS from /usr/bin/time.
#
# Usage: bench/gitkey.sh MINE PEER GEN_SITE DIR [RECORDS]   (DIR on tmpfs; removed first)
# RUNS=N (environment, default 1): N committed edits of N different documents, each patched by
# both binaries in turn.
set -u
MINE=$1 PEER=$2 GEN=$3 DIR=$4 RECORDS=${5:-100000} RUNS=${RUNS:-1}
N=2026-11-25T10:00:00+08:00
S=$DIR/site
G="git -C $S -c user.name=t -c user.email=t@example.gov.cn -c commit.gpgsign=false"
rm -rf "$DIR"
"$GEN" --records "$RECORDS" --out "$S" > /dev/null
/usr/bin/time -f "git init+add+commit: %e s wall" sh -c "$G init -q && $G add -A && $G commit -q -m init"
run() { # label binary who
  local label=$1 bin=$2 who=$3
  /usr/bin/time -f "$label: %e s wall, %U u + %S s CPU, peak %M KB" env GONGSHI_TIMINGS=1 \
    "$bin" build --root "$S" --out "$DIR/$who/public" --cache-dir "$DIR/$who/cache" \
    --snapshot --now $N > "$DIR/$label.out" 2> "$DIR/$label.err"
  tail -1 "$DIR/$label.err"
  grep -E "\[timing\] (memo|snapshot|load\+check)" "$DIR/$label.err" | sed 's/^/    /' | head -14
}
same() { diff -rq "$DIR/mine/public" "$DIR/peer/public" > /dev/null && echo "    outputs identical ($1)" || echo "    OUTPUTS DIFFER ($1)"; }
run mine-full "$MINE" mine
run peer-full "$PEER" peer
same "full builds"
for i in $(seq "$RUNS"); do
  f=$(find "$S/content/documents" -name '*.md' ! -name '_index.md' | sort | sed -n "$((4 + i))p")
  printf '\n补充说明。\n' >> "$f"
  $G commit -q -am "edit $i" -m "公示说明: 补充说明"
  run mine-commit "$MINE" mine
  run peer-commit "$PEER" peer
  same "after committed edit $i"
done
echo readme > "$S/README.txt"; $G add README.txt; $G commit -q -m readme
run mine-readme "$MINE" mine
find "$S/content" "$S/site.toml" -type f -exec touch {} +
run mine-touched "$MINE" mine
