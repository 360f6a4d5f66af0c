#!/usr/bin/env bash
# Benchmark gongshi's site search against Pagefind on the same built site, in headless Chromium.
#
#   bench/search.sh [--records 10000] [--runs 6] [--dir DIR] [--no-install] [--baseline REV]
#
# Generates a site of N records (examples/gen_site, seed 1), builds it with gongshi, runs
# Pagefind 1.6.0 (npm) on a copy of the built site, then compares index size (bytes, files,
# % of the site's HTML) and, for a fixed list of queries, the time to results, cold and warm,
# bytes fetched and the top 3 results of each engine (bench/search/bench.mjs). Prints Markdown
# tables on stdout; raw JSON and logs go to DIR/results/. Not a test: timings vary by machine.
# --baseline REV also measures the same built site with search.js and the search page's preload
# link as of git revision REV, interleaved with the current ones (a before/after table).
set -euo pipefail

RECORDS=10000
RUNS=6
NOINSTALL=0
BASELINE=""
DIR=""
NOW="2026-11-25T10:00:00+08:00"
PAGEFIND_VERSION=1.6.0
while [ $# -gt 0 ]; do
  case "$1" in
    --records) RECORDS="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --dir) DIR="$2"; shift 2 ;;
    --no-install) NOINSTALL=1; shift ;;
    --baseline) BASELINE="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
# tmpfs by default, as bench/run.sh (the shared disk made wall times random).
if [ -z "$DIR" ]; then
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then DIR=/dev/shm/gongshi-search-bench; else DIR=/tmp/gongshi-search-bench; fi
fi
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$DIR/results"
DIR="$(cd "$DIR" && pwd)"
RES="$DIR/results"
log() { echo "[search-bench] $*" >&2; }

# --- tools -----------------------------------------------------------------------------------
apt_install() {
  mkdir -p /tmp/aptarch/partial
  apt-get install -y -o Dir::Cache::Archives=/tmp/aptarch "$@" >&2 \
    || { apt-get update >&2 && apt-get install -y -o Dir::Cache::Archives=/tmp/aptarch "$@" >&2; }
}
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ "$NOINSTALL" = 0 ] && [ ! -x "$CHROMIUM" ]; then apt_install chromium; fi
[ -x "$CHROMIUM" ] || { echo "chromium not found at $CHROMIUM (set CHROMIUM_PATH)" >&2; exit 1; }
command -v node >/dev/null || { echo "node not found (Node 20+)" >&2; exit 1; }

# playwright-core: the copy pinned by the browser tests (tests/browser/package-lock.json).
BROWSER_DIR="$ROOT/tests/browser"
lock_ok() {
  (cd "$BROWSER_DIR" && node -e '
    const v = require("./package-lock.json").packages["node_modules/playwright-core"].version;
    process.exit(require("./node_modules/playwright-core/package.json").version === v ? 0 : 1);' 2>/dev/null)
}
if ! lock_ok; then
  [ "$NOINSTALL" = 0 ] || { echo "tests/browser/node_modules missing (run without --no-install)" >&2; exit 1; }
  log "npm ci in tests/browser (playwright-core, never downloads a browser)"
  (cd "$BROWSER_DIR" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
fi

# Pagefind from npm into DIR/node. --ignore-scripts: the platform binary comes as the optional
# dependency @pagefind/linux-x64 (a registry package, nothing downloaded at install time).
NODE_DIR="$DIR/node"
PF_BIN="$NODE_DIR/node_modules/@pagefind/linux-x64/bin/pagefind_extended"
pf_version() { node "$NODE_DIR/node_modules/pagefind/lib/runner/bin.cjs" --version 2>/dev/null | cut -d' ' -f2; }
if [ "$(pf_version || true)" != "$PAGEFIND_VERSION" ]; then
  [ "$NOINSTALL" = 0 ] || { echo "pagefind $PAGEFIND_VERSION not in $NODE_DIR (run without --no-install)" >&2; exit 1; }
  log "npm install pagefind@$PAGEFIND_VERSION into $NODE_DIR"
  mkdir -p "$NODE_DIR"
  [ -f "$NODE_DIR/package.json" ] || echo '{"private":true}' > "$NODE_DIR/package.json"
  (cd "$NODE_DIR" && npm install --ignore-scripts --no-save --no-audit --no-fund --loglevel=error \
    "pagefind@$PAGEFIND_VERSION" >&2)
fi
# The npm wrapper picks the platform package; call its binary directly when the wrapper fails.
if node "$NODE_DIR/node_modules/pagefind/lib/runner/bin.cjs" --version >/dev/null 2>&1; then
  PAGEFIND=(node "$NODE_DIR/node_modules/pagefind/lib/runner/bin.cjs")
elif [ -x "$PF_BIN" ]; then
  PAGEFIND=("$PF_BIN")
else
  echo "pagefind: neither the npm wrapper nor $PF_BIN runs (is @pagefind/linux-x64 installed?)" >&2; exit 1
fi

log "building gongshi (release)"
(cd "$ROOT" && cargo build --release --quiet --bin gongshi --example gen_site)
GONGSHI="$ROOT/target/release/gongshi"
GEN="$ROOT/target/release/examples/gen_site"

{
  echo "gongshi: $(git -C "$ROOT" rev-parse --short HEAD) ($(git -C "$ROOT" log -1 --format=%cs))"
  echo "pagefind: $("${PAGEFIND[@]}" --version | cut -d' ' -f2) (npm pagefind + @pagefind/linux-x64, extended binary)"
  echo "chromium: $("$CHROMIUM" --version 2>/dev/null | head -1)"
  echo "playwright-core: $(node -p "require('$BROWSER_DIR/node_modules/playwright-core/package.json').version")"
  echo "node: $(node --version)"
  echo "nproc: $(nproc)"
  lscpu | grep -E '^(Model name|CPU\(s\))' || true
  free -h | sed -n 2p
  echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "dir: $DIR ($(df -h "$DIR" | awk 'NR==2{print $1}'))"
} > "$RES/machine.txt"
cat "$RES/machine.txt" >&2

# --- the sites -------------------------------------------------------------------------------
N="$RECORDS"
S="$DIR/site-$N"; O="$DIR/out-$N"; P="$DIR/pagefind-$N"
log "N=$N: generating and building"
rm -rf "$S" "$O" "$P"
"$GEN" --records "$N" --out "$S" --seed 1 2>/dev/null
t0=$(date +%s.%N)
"$GONGSHI" build -q --root "$S" --out "$O" --now "$NOW"
t1=$(date +%s.%N)
[ -f "$O/search/meta.json" ] || { echo "no search index in $O/search/" >&2; exit 1; }

log "N=$N: Pagefind on a copy of the built site"
cp -a "$O" "$P"
t2=$(date +%s.%N)
"${PAGEFIND[@]}" --site "$P" > "$RES/pagefind-$N.log" 2>&1 \
  || { cat "$RES/pagefind-$N.log" >&2; echo "pagefind failed" >&2; exit 1; }
t3=$(date +%s.%N)
cat "$RES/pagefind-$N.log" >&2

# --- sizes -----------------------------------------------------------------------------------
python3 - "$O" "$P" "$N" "$t0" "$t1" "$t2" "$t3" "$RES/pagefind-$N.log" > "$RES/sizes-$N.json" <<'PY'
import gzip, json, os, re, sys
out, pf, n, t0, t1, t2, t3, logf = sys.argv[1:]
def files(d):
    for base, _, names in os.walk(d):
        for name in names:
            yield os.path.join(base, name)
html = [f for f in files(out) if f.endswith(".html")]
# The index: everything under search/ except the search page itself.
idx = [f for f in files(os.path.join(out, "search")) if not f.endswith(".html")]
pff = list(files(os.path.join(pf, "pagefind")))
size = lambda fs: sum(os.path.getsize(f) for f in fs)
gz = lambda fs: sum(len(gzip.compress(open(f, "rb").read(), 5)) if os.path.getsize(f) >= 1024 and not re.search(r"\.(pf_\w+|pagefind|wasm)$", f) else os.path.getsize(f) for f in fs)
ext = lambda e: [f for f in pff if f.endswith(e)]
text = open(logf, encoding="utf-8", errors="replace").read()
pages = re.search(r"Indexed (\d+) pages?", text)
lang = "; ".join(l.strip().rstrip(".") for l in re.findall(r"^(?:Discovered \d+ language.*|Did not find a data-pagefind-body.*|.*Indexing all <body>.*)$", text, re.M)) or "language not reported"
print(json.dumps({
    "records": int(n), "pages": len(html), "html": size(html),
    "gongshi": {"files": len(idx), "bytes": size(idx), "gzip": gz(idx)},
    "pagefind": {"files": len(pff), "bytes": size(pff), "gzip": gz(pff),
                 "indexFiles": len(ext(".pf_index")) + len(ext(".pf_meta")),
                 "indexBytes": size(ext(".pf_index") + ext(".pf_meta")),
                 "fragmentFiles": len(ext(".pf_fragment")), "fragmentBytes": size(ext(".pf_fragment"))},
    "gongshiBuildS": float(t1) - float(t0), "pagefindS": float(t3) - float(t2),
    "pagefindPages": int(pages.group(1)) if pages else -1, "pagefindLang": lang,
}, indent=1))
PY

# --- the queries, taken from the built site's open data --------------------------------------
python3 - "$O" > "$RES/queries-$N.json" <<'PY'
import json, re, sys
out = sys.argv[1]
data = lambda k: json.load(open(f"{out}/data/{k}.json", encoding="utf-8"))
path = lambda r: re.sub(r"^[a-z]+://[^/]+", "", r["url"])
# Known items: records at fixed positions of the open data (same records for the same N).
enf = [r for r in data("enforcement") if r["party"].get("credit_code")]
e = enf[len(enf) // 2]
docs = [r for r in data("documents") if r.get("doc_no")]
d = docs[len(docs) // 3]
rep = data("replies")[len(data("replies")) // 2]
doc_year, doc_num = re.search(r"〔(\d{4})〕(\d+)号", e["case_no"]).groups()
company = re.sub(r"^枝江县|有限.*公司$|股份$", "", e["party"]["name"])
Q = [
    ("劳动合同", "topic, title words", None),
    ("失业保险金", "topic, reply titles", None),
    ("拖欠劳动者工资", "topic, violation", None),
    ("零就业家庭动态清零", "phrase from bodies", None),
    (e["case_no"], "案号 (enforcement)", path(e)),
    (f"{doc_year} {doc_num}", "案号 as year + number", path(e)),
    (d["doc_no"], "文号 (document)", path(d)),
    (d["index_no"], "索引号", path(d)),
    (e["party"]["credit_code"], "credit code (ASCII)", path(e)),
    (rep["title"], "full title (reply)", path(rep)),
    (company, "company name fragment", None),
    ("12333", "number", None),
    ("量子计算机", "no result expected", None),
]
print(json.dumps([{"q": q, "note": n, "expect": x} for q, n, x in Q], ensure_ascii=False, indent=1))
PY

BASE_ARGS=()
if [ -n "$BASELINE" ]; then
  # The built site with the baseline's search.js and search page: hard links, the two files
  # replaced (the search page differs only by the meta.json preload link added since).
  B="$DIR/base-$N"
  rm -rf "$B"; cp -al "$O" "$B"
  rm "$B/static/search.js" "$B/search/index.html"
  git -C "$ROOT" show "$BASELINE:themes/default/static/search.js" > "$B/static/search.js"
  if git -C "$ROOT" show "$BASELINE:themes/default/templates/search.html" | grep -q 'rel="preload"'; then
    cp "$O/search/index.html" "$B/search/index.html"
  else
    grep -v 'rel="preload" href="[^"]*search/meta.json"' "$O/search/index.html" > "$B/search/index.html"
  fi
  BASE_ARGS=(--baseline "$B" --baseline-label "$(git -C "$ROOT" rev-parse --short "$BASELINE")")
fi

log "N=$N: queries in Chromium ($RUNS runs)"
node "$ROOT/bench/search/bench.mjs" --site "$O" --pagefind "$P" --queries "$RES/queries-$N.json" \
  --runs "$RUNS" --json "$RES/queries-$N-raw.json" "${BASE_ARGS[@]}"
node "$ROOT/bench/search/report.mjs" "$RES/queries-$N-raw.json" "$RES/sizes-$N.json" | tee "$RES/report-$N.md"
echo
echo "Machine and versions: $RES/machine.txt; raw JSON, Pagefind's log and the query list in $RES/."
