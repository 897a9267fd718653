#!/usr/bin/env bash
# Load check: starts the release binary (captcha off, rate limits lifted) on a fresh SQLite database (or PostgreSQL with
# DATABASE_URL=postgres://…), drives it from wrk on 127.0.0.1, and prints throughput and
# latency. Stops by itself after DURATION seconds per run.
#
#   bash bench/load.sh                 # 20 s at concurrency 64 on SQLite
#   CONCURRENCY=16 DURATION=10 bash bench/load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-20}
CONCURRENCY=${CONCURRENCY:-64}
THREADS=${THREADS:-2}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
cargo build --release --quiet

work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
url=${DATABASE_URL:-sqlite://$work/load.db}
RAQIB_LISTEN=127.0.0.1:0 RAQIB_DATABASE_URL=$url \
  RAQIB_SECRET_KEY=${RAQIB_SECRET_KEY:-load-test-secret-load-test-secret-0000} \
  RAQIB_LOG__LEVEL=warn RAQIB_CAPTCHA__MODE=off RAQIB_RATE_LIMITS__SUBMIT_IP__BURST=100000000 \
  RAQIB_RATE_LIMITS__SUBMIT_EMAIL__BURST=100000000 RAQIB_RATE_LIMITS__FLOOD_PER_MINUTE=100000000 \
  ./target/release/raqib serve >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 1 100); do
  grep -q 'listening on' "$work/out" 2>/dev/null && break
  sleep 0.1
done
base=$(sed -n 's/^raqib listening on \(http:[^ ]*\)\/$/\1/p' "$work/out")
[ -n "$base" ] || { cat "$work/err" >&2; exit 1; }

echo "raqib at $base on ${url%%:*}; wrk -t$THREADS -c$CONCURRENCY -d${DURATION}s"
wrk -t"$THREADS" -c"$CONCURRENCY" -d"${DURATION}s" --latency -s bench/submit.lua "$base" \
  | tee "$work/wrk"
accepted=$(grep -E '^Requests/sec' "$work/wrk" | awk '{print $2}')
errors=$(grep -E 'Non-2xx' "$work/wrk" | awk '{print $NF}' || true)
echo "submissions/s: $accepted (non-2xx: ${errors:-0})"
