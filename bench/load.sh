#!/usr/bin/env bash
# Load check: starts the release binary (captcha off, rate limits lifted) on a fresh SQLite
# database (or PostgreSQL with DATABASE_URL=postgres://…), drives it from wrk on 127.0.0.1,
# and prints throughput and latency. Stops by itself after DURATION seconds.
#
#   bash bench/load.sh                     # submissions, 20 s at concurrency 64, SQLite
#   CONCURRENCY=16 DURATION=10 bash bench/load.sh
#   MODE=read bash bench/load.sh           # reads of a 100-comment article
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test bash bench/load.sh
#   BINARY=/tmp/raqib-before bash bench/load.sh     # another build, to compare two commits
#
# With PostgreSQL the comment and filter tables are emptied first (use a scratch database).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-20}
CONCURRENCY=${CONCURRENCY:-64}
THREADS=${THREADS:-2}
MODE=${MODE:-submit}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
bin=${BINARY:-./target/release/raqib}
[ -n "${BINARY:-}" ] || cargo build --release --quiet

work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
url=${DATABASE_URL:-sqlite://$work/load.db}
if [[ $url == postgres* ]]; then
  psql -q "$url" -c "truncate report, comment, reputation, filter_term, filter_rule, filter_version restart identity cascade" 2>/dev/null || true
fi
# Reads need published comments: post-moderation publishes clean ones on arrival, and the
# near-duplicate signal is off so a hundred look-alike seed comments are not held.
moderation=pre
[ "$MODE" = read ] && moderation=post
export RAQIB_FILTER__SIGNALS__DUPLICATE_OTHER=0 RAQIB_FILTER__SIGNALS__DUPLICATE_SAME=0 RAQIB_FILTER__SIGNALS__ABUSE_MODEL=0
[ "$MODE" = read ] || unset RAQIB_FILTER__SIGNALS__DUPLICATE_OTHER RAQIB_FILTER__SIGNALS__DUPLICATE_SAME RAQIB_FILTER__SIGNALS__ABUSE_MODEL
RAQIB_LISTEN=127.0.0.1:0 RAQIB_HTTP__METRICS_LISTEN=off RAQIB_DATABASE_URL=$url \
  RAQIB_SECRET_KEY=${RAQIB_SECRET_KEY:-load-test-secret-load-test-secret-0000} \
  RAQIB_LOG__LEVEL=warn RAQIB_CAPTCHA__MODE=off RAQIB_MODERATION__MODE=$moderation \
  RAQIB_RATE_LIMITS__SUBMIT_IP__BURST=100000000 RAQIB_RATE_LIMITS__SUBMIT_EMAIL__BURST=100000000 \
  RAQIB_RATE_LIMITS__FLOOD_PER_MINUTE=100000000 RAQIB_RATE_LIMITS__READ__BURST=100000000 \
  "$bin" serve >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 1 100); do
  grep -q 'listening on' "$work/out" 2>/dev/null && break
  sleep 0.1
done
base=$(sed -n 's/^raqib listening on \(http:[^ ]*\)\/$/\1/p' "$work/out")
[ -n "$base" ] || { cat "$work/err" >&2; exit 1; }

if [ "$MODE" = read ]; then
  for i in $(seq 1 100); do
    curl -sf -o /dev/null -H 'content-type: application/json' "$base/api/v1/comments" \
      -d "{\"article\":\"/news/read\",\"name\":\"قارئ $i\",\"email\":\"r$i@example.com\",\"body\":\"تعليق رقم $i عن المباراة والطقس والاقتصاد في الخليج\"}"
  done
  shown=$(curl -sf "$base/api/v1/articles/%2Fnews%2Fread/comments?limit=100" | grep -o '"id"' | wc -l)
  echo "raqib at $base on ${url%%:*}; an article with $shown published comments; wrk -t$THREADS -c$CONCURRENCY -d${DURATION}s"
  wrk -t"$THREADS" -c"$CONCURRENCY" -d"${DURATION}s" --latency \
    "$base/api/v1/articles/%2Fnews%2Fread/comments?limit=100" | tee "$work/wrk"
  echo "reads/s of a $shown-comment page: $(grep -E '^Requests/sec' "$work/wrk" | awk '{print $2}')"
  exit 0
fi

echo "raqib at $base on ${url%%:*}; wrk -t$THREADS -c$CONCURRENCY -d${DURATION}s"
wrk -t"$THREADS" -c"$CONCURRENCY" -d"${DURATION}s" --latency -s bench/submit.lua "$base" \
  | tee "$work/wrk"
accepted=$(grep -E '^Requests/sec' "$work/wrk" | awk '{print $2}')
errors=$(grep -E 'Non-2xx' "$work/wrk" | awk '{print $NF}' || true)
echo "submissions/s: $accepted (non-2xx: ${errors:-0})"
