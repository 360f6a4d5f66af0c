#!/usr/bin/env bash
# The receiver's release figures of docs/feedback.md ("Release figures"): SQLite with one
# receiver, PostgreSQL with one and two receivers, 32 clients, all comments on one
# consultation (one chain) and spread over 8 consultations (8 chains); RUNS runs of each,
# the configurations alternating so that the machine's load falls on all of them alike.
# One line per run (tests/it/feedback_load.rs prints comments/s, p50/p99, the receivers'
# CPU user+sys and peak RSS, and the load average).
#
#   bench/feedback_matrix.sh                      # builds what it needs (release receiver)
#   GONGSHI_BIN=/path/gongshi IT_BIN=/path/it bench/feedback_matrix.sh   # given binaries
#
# PostgreSQL runs on a throw-away cluster (tests/it/pg_common.rs; synchronous_commit on).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-3}"
export FEEDBACK_BENCH_SECS="${SECS:-10}"
export FEEDBACK_BENCH_CLIENTS="${CLIENTS:-32}"
if [ -z "${GONGSHI_BIN:-}" ]; then
  cargo build --release
  GONGSHI_BIN="$PWD/target/release/gongshi"
fi
export GONGSHI_BIN
if [ -z "${IT_BIN:-}" ]; then
  IT_BIN=$(cargo test --test it --no-run --message-format=json 2>/dev/null \
    | sed -n 's/.*"executable":"\([^"]*\/it-[^"]*\)".*/\1/p' | tail -1)
fi
for run in $(seq "$RUNS"); do
  for chains in 1 8; do
    for cfg in sqlite:1 postgres:1 postgres:2; do
      store=${cfg%:*}
      receivers=${cfg#*:}
      printf 'run %s store=%s receivers=%s chains=%s: ' "$run" "$store" "$receivers" "$chains"
      FEEDBACK_BENCH_STORE=$store FEEDBACK_BENCH_RECEIVERS=$receivers \
        FEEDBACK_BENCH_CONSULTATIONS=$chains \
        "$IT_BIN" --ignored --nocapture --exact feedback_load::feedback_load 2>&1 \
        | grep -E '^feedback load:|panicked' || echo "(no result)"
    done
  done
done
