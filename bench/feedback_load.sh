#!/usr/bin/env bash
# Load benchmark of the feedback receiver: 32 keep-alive clients posting distinct comments
# to a release build of `gongshi feedback serve` (WAL, synchronous=FULL, group commit).
# Prints accepted (durable) comments per second and p50/p99 latency.
#
#   bench/feedback_load.sh                 # 10 s, 32 clients, database in a temp dir
#   SECS=30 CLIENTS=64 bench/feedback_load.sh
#   FEEDBACK_BENCH_DB=/var/tmp/fb.db bench/feedback_load.sh   # database on another disk
#   FEEDBACK_BENCH_ADDR=127.0.0.1:8787 FEEDBACK_BENCH_CONSULTATION=<id> bench/feedback_load.sh
#       # against a receiver you started yourself (start it with --rate-limit off); several
#       # addresses separated by commas: clients take them in turn
#   FEEDBACK_BENCH_STORE=postgres bench/feedback_load.sh
#       # on a throw-away PostgreSQL cluster (tests/it/pg_common.rs, synchronous_commit on)
#   FEEDBACK_BENCH_STORE=postgres FEEDBACK_BENCH_RECEIVERS=2 bench/feedback_load.sh
#       # two receiver processes on the same database
#
# Traffic goes to loopback only; the run stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
export FEEDBACK_BENCH_SECS="${SECS:-10}"
export FEEDBACK_BENCH_CLIENTS="${CLIENTS:-32}"
cargo test --release --test it -- --ignored --nocapture feedback_load:: 2>&1 \
  | grep -E '^feedback load:|panicked|error' 
