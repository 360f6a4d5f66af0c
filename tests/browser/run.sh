#!/usr/bin/env bash
# run.sh - build the example site and check the public's experience in a real browser.
#
# Usage:
#   bash tests/browser/run.sh [--screenshots DIR] [--all-pages] [--no-apt] [--keep] [--debug]
#
#   --screenshots DIR  save full-page PNGs of every checked page (1280 and 390 px wide)
#   --all-pages        run axe on every page of the site, not one of each kind
#   --no-apt           do not install Debian packages (use what is there)
#   --keep             keep the built site (its folder is printed)
#   --debug            build with the debug profile instead of --release (reuses what
#                      `cargo test` already compiled: much faster on a fresh CI machine)
#
# Installs what is missing: Debian chromium, chromium-driver and fonts-noto-cjk (and a headless
# JRE when there is no java), then the npm packages pinned in tests/browser/package-lock.json
# (playwright-core, axe-core, vnu-jar) with `npm ci --ignore-scripts`. Builds the example site
# with `cargo run --release` into a temporary folder, serves it on 127.0.0.1 and runs suite.mjs:
# axe-core WCAG 2.1 A/AA, the Nu HTML checker, internal links, keyboard use, the 适老化 controls,
# print, page weight. Ends with "N passed, M failed"; exit status 0 only when nothing failed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
NOW="2026-11-25T10:00:00+08:00"
shots=""; all=""; do_apt=1; keep=0; profile=release
while [ $# -gt 0 ]; do
  case "$1" in
    --screenshots) shift; shots="${1:?--screenshots needs a folder}" ;;
    --all-pages) all="--all-pages" ;;
    --no-apt) do_apt=0 ;;
    --keep) keep=1 ;;
    --debug) profile=debug ;;
    -h|--help) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
log() { printf 'browser-tests: %s\n' "$*"; }

# ---------------------------------------------------------------- Debian packages
apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "run.sh: need root to apt-get install ${missing[*]} (or install them yourself)" >&2; exit 2
  fi
  log "apt-get install ${missing[*]}"
  apt-get update -qq
  # A private archive folder: container images often carry a DPkg::Post-Invoke hook that deletes
  # /var/cache/apt/archives/*.deb after every dpkg run, which breaks installs apt splits into
  # several dpkg runs ("cannot access archive").
  local arch; arch="$(mktemp -d)"; mkdir -p "$arch/partial"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o Dir::Cache::Archives="$arch/" "${missing[@]}" >/dev/null
  rm -rf "$arch"
}
if [ $do_apt -eq 1 ]; then
  pkgs=(chromium chromium-driver fonts-noto-cjk)
  command -v java >/dev/null 2>&1 || pkgs+=(default-jre-headless)
  apt_install "${pkgs[@]}"
fi
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || { echo "run.sh: ${CHROMIUM_PATH:-/usr/bin/chromium} missing" >&2; exit 2; }
command -v java >/dev/null || { echo "run.sh: java missing (the Nu HTML checker needs Java 11+)" >&2; exit 2; }
command -v node >/dev/null || { echo "run.sh: node missing (Node 20+)" >&2; exit 2; }

# ---------------------------------------------------------------- npm packages
cd "$here"
if ! node -e '
  const lock = require("./package-lock.json").packages;
  for (const [k, v] of Object.entries(lock)) {
    if (!k) continue;
    const got = require("./" + k + "/package.json").version;
    if (got !== v.version) process.exit(1);
  }' 2>/dev/null; then
  log "npm ci (playwright-core, axe-core, vnu-jar)"
  # --ignore-scripts: vnu-jar's postinstall would download a Java runtime; we use the system java.
  # playwright-core never downloads browsers; it drives Debian's chromium.
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi

# ---------------------------------------------------------------- PyMuPDF (reads printed PDFs)
# The print check (suite.mjs, "printed to PDF") reads each sheet's text from a PDF Chromium wrote.
if ! python3 -c 'import pymupdf' 2>/dev/null; then
  log "pip install pymupdf"
  python3 -m pip install -q --disable-pip-version-check 'pymupdf>=1.24'
fi

# ---------------------------------------------------------------- build the example site
out="$(mktemp -d "${TMPDIR:-/tmp}/gongshi-browser.XXXXXX")"
receiver_pid=""
cleanup() {
  if [ -n "$receiver_pid" ]; then kill "$receiver_pid" 2>/dev/null || true; wait "$receiver_pid" 2>/dev/null || true; fi
  if [ $keep -eq 1 ]; then log "site kept in $out"; else rm -rf "$out"; fi
}
trap cleanup EXIT
cd "$repo"
cargo_profile=(); [ "$profile" = release ] && cargo_profile=(--release)
log "cargo run ${cargo_profile[*]} -- build --now $NOW --out $out/site"
cargo run "${cargo_profile[@]}" -q -- build --now "$NOW" --out "$out/site" >"$out/build.log" 2>&1 || {
  cat "$out/build.log" >&2; echo "run.sh: building the example site failed" >&2; exit 1; }
tail -n 1 "$out/build.log"

# ---------------------------------------------------------------- the feedback receiver
# The comment form is submitted to the real receiver (`gongshi feedback serve`, a throw-away
# database, clock pinned like the build) when this build has one; suite.mjs proxies
# /feedback/ and /receipt/ to it. GONGSHI_FEEDBACK_ORIGIN set by the caller wins; without a
# receiver the suite stubs the POST with a 303.
bin="$repo/target/$profile/gongshi"
if [ -z "${GONGSHI_FEEDBACK_ORIGIN:-}" ] && "$bin" feedback serve --help >/dev/null 2>&1; then
  port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  # Three requests whose clock is paused or extended, entered from a table with their
  # history (as staff would enter letters already being handled): the suite looks each up by
  # its receipt number. Receipts are printed in row order.
  cat >"$out/paused.csv" <<'CSV'
收到日期,提交方式,申请人类型,申请人姓名或名称,联系方式,所需信息描述,补正告知日期,征求意见日期,征求意见说明,延期批准日期,延期工作日,延期理由
2026-11-16,信函,自然人,浏览器测试甲,1,浏览器测试：待补正的申请,2026-11-18,,,,,
2026-11-02,信函,商业企业,浏览器测试乙,2,浏览器测试：延期的申请,,,,2026-11-20,10,需要调取历年纸质档案
2026-11-09,当面,自然人,浏览器测试丙,3,浏览器测试：征求第三方意见的申请,,2026-11-12,第三方某某建材有限公司,,,
CSV
  "$bin" requests import --init --root "$repo" --db "$out/feedback.sqlite" "$out/paused.csv" \
    >"$out/paused.log" 2>&1 || { cat "$out/paused.log" >&2; echo "run.sh: importing the paused requests failed" >&2; exit 1; }
  mapfile -t paused < <(grep -o 'YS[0-9]\{8\}-[0-9]\{4,\}-[0-9A-Z]\{4\}' "$out/paused.log")
  [ ${#paused[@]} -eq 3 ] || { cat "$out/paused.log" >&2; echo "run.sh: expected 3 receipts" >&2; exit 1; }
  export GONGSHI_PAUSED_RECEIPTS="待补正=${paused[0]},已延期=${paused[1]},征求意见中=${paused[2]}"
  "$bin" feedback serve --init --root "$repo" --db "$out/feedback.sqlite" --addr "127.0.0.1:$port" \
    --now "$NOW" --rate-limit off >"$out/receiver.log" 2>&1 &
  receiver_pid=$!
  for _ in $(seq 1 50); do
    node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' \
      "http://127.0.0.1:$port/healthz" 2>/dev/null && break
    sleep 0.2
  done
  export GONGSHI_FEEDBACK_ORIGIN="http://127.0.0.1:$port"
  log "feedback receiver on $GONGSHI_FEEDBACK_ORIGIN"
fi

# ---------------------------------------------------------------- the checks
args=(--site "$out/site" --now "$NOW")
[ -n "$shots" ] && { mkdir -p "$shots"; args+=(--screenshots "$(cd "$shots" && pwd)"); }
[ -n "$all" ] && args+=("$all")
status=0
node "$here/suite.mjs" "${args[@]}" || status=$?
if [ $status -ne 0 ] && [ -s "$out/receiver.log" ]; then
  echo "--- feedback receiver log"; tail -n 20 "$out/receiver.log"
fi
exit $status
