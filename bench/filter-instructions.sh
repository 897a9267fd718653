#!/usr/bin/env bash
# Instructions per filter check, counted by callgrind over the filter benchmark's corpus
# (2,000 comments of ~500 bytes, shipped lists plus 20,000 synthetic terms). Unlike MB/s,
# the count does not move with the machine's speed or load, so it compares two versions.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(cargo bench --bench filter --no-run --message-format=json 2>/dev/null |
  python3 -c 'import json,sys
for l in sys.stdin:
    m=json.loads(l)
    if m.get("reason")=="compiler-artifact" and m["target"]["name"]=="filter" and m.get("executable"): print(m["executable"])')
# Instructions inside Filter::check for N rounds over the corpus. The first round also pays
# one-time costs (lazy regex DFAs, the lexicon's first use), so the figure is the difference
# between three rounds and one, over the 4,000 checks in between.
count() {
  local out
  out=$(mktemp)
  FILTER_BENCH_ONLY=whole FILTER_BENCH_ROUNDS=$1 valgrind --tool=callgrind --callgrind-out-file="$out" \
    --toggle-collect='*Filter::check*' "$bin" >/dev/null 2>&1
  grep -m1 '^summary:' "$out" | awk '{print $2}'
  rm -f "$out"
}
one=$(count 1)
three=$(count 3)
echo "instructions per check: $(((three - one) / 4000)) (callgrind, ~500-byte comments, warm)"
