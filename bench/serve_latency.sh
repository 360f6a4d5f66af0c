#!/usr/bin/env bash
# Benchmark of `gongshi serve`: median time from saving one record to the updated page being
# served, on synthetic sites of 1,000 and 10,000 records (not a test; timings vary by machine).
#
#   bash bench/serve_latency.sh [SIZES…]        default sizes: 1000 10000
#   HUGO=1 bash bench/serve_latency.sh           also measure `hugo server` the same way
#
# Sites come from `examples/gen_site.rs` when the project has it; otherwise from the quick
# generator below (copies of one example document, unique ids and index numbers).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("${@:-1000 10000}")
SIZES=(${SIZES[*]})
WORK="${BENCH_DIR:-$(mktemp -d)}"
cargo build --release --quiet --bin gongshi --example serve_latency

quick_site() { # N DIR
  python3 - "$1" "$2" <<'PY'
import os, shutil, sys
n, out = int(sys.argv[1]), sys.argv[2]
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
shutil.copy("site.toml", out)
for d in ("content", "themes", "calendar"):
    if os.path.isdir(d):
        shutil.copytree(d, os.path.join(out, d))
src = open("content/documents/notice-winter-wage-campaign.md", encoding="utf-8").read()
lines = [l for l in src.split("\n") if not l.startswith(("index_no:", "doc_no:"))]
base = "\n".join(lines)
docs = os.path.join(out, "content", "documents")
for i in range(n):
    day = 1 + i % 28
    text = base.replace("title: ", f"title: 第{i}号 ", 1).replace(
        "published: 2026-11-20", f"published: 2025-{1 + i % 12:02d}-{day:02d}", 1)
    text = text.replace("validity:", f"index_no: ZJRSJ/2025-{i:05d}\nvalidity:", 1)
    with open(os.path.join(docs, f"gen-{i:05d}.md"), "w", encoding="utf-8") as f:
        f.write(text)
PY
}

make_site() { # N DIR
  if [ -f examples/gen_site.rs ]; then
    cargo run --release --quiet --example gen_site -- --records "$1" --out "$2"
  else
    quick_site "$1" "$2"
  fi
}

for n in "${SIZES[@]}"; do
  site="$WORK/site-$n"
  make_site "$n" "$site"
  rec=$(cd "$site" && find content/documents -name '*.md' | sort | sed -n 1p)
  id=$(basename "$rec" .md)
  echo "== $n records (edit $rec) =="
  for edit in body title; do
    target/release/examples/serve_latency --root "$site" --record "$rec" \
      --page "/documents/$id/" --edit "$edit" --runs "${RUNS:-21}" --bin target/release/gongshi
  done
  if [ "${HUGO:-0}" = 1 ] && command -v hugo >/dev/null; then
    hsite="$WORK/hugo-$n"
    rm -rf "$hsite"; mkdir -p "$hsite/content/documents" "$hsite/layouts/_default"
    printf 'baseURL = "http://127.0.0.1/"\ntitle = "bench"\n' > "$hsite/hugo.toml"
    printf '<html><body><h1>{{ .Title }}</h1>{{ .Content }}</body></html>\n' > "$hsite/layouts/_default/single.html"
    printf '<html><body>{{ range .Pages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</body></html>\n' > "$hsite/layouts/_default/list.html"
    cp "$site"/content/documents/*.md "$hsite/content/documents/"
    port=$((20000 + RANDOM % 20000))
    (cd "$hsite" && hugo server --port "$port" --bind 127.0.0.1 --disableLiveReload >/dev/null 2>&1) &
    hpid=$!
    for _ in $(seq 1 600); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.2; done
    echo "-- hugo server (same records, minimal templates) --"
    for edit in body title; do
      target/release/examples/serve_latency --url "http://127.0.0.1:$port" --root "$hsite" \
        --record "$rec" --page "/documents/$id/" --edit "$edit" --runs "${RUNS:-21}" || true
    done
    kill "$hpid" 2>/dev/null || true
  fi
done
