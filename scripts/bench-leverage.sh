#!/usr/bin/env bash
# Measure `report leverage` and `report portfolio --look-through` on a generated ledger
# of guidance-fund programmes (examples/gen_programmes.rs). Results: docs/leverage.md.
# Usage: scripts/bench-leverage.sh [GUIDANCE SUBS_PER_GUIDANCE HOLDINGS_PER_SUB]
#        (default 10 20 250: 200 sub-funds, 50,000 holdings, about 200,000 entries)
set -euo pipefail
cd "$(dirname "$0")/.."
g="${1:-10}" s="${2:-20}" h="${3:-250}"
cargo build --release --quiet --bin fundledger --example gen_programmes
db="target/bench-leverage-$g-$s-$h.db"
if [ ! -f "$db" ]; then
  TIMEFORMAT="generated in %R s"
  time FUNDLEDGER_NOW=2026-01-01T00:00:00Z FUNDLEDGER_TODAY=2026-01-01 \
    target/release/examples/gen_programmes "$db" "$g" "$s" "$h"
fi
bin=target/release/fundledger
echo "ledger: $db ($(du -h "$db" | cut -f1))"
# Best of three, so a busy machine's noise counts as little as possible.
for cmd in "report leverage" "report portfolio --look-through" "report portfolio"; do
  best=""
  for _ in 1 2 3; do
    t0=$(date +%s%N)
    # shellcheck disable=SC2086
    "$bin" --db "$db" --format json $cmd --as-of 2026-01-01 >/dev/null
    t1=$(date +%s%N)
    ms=$(((t1 - t0) / 1000000))
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
  done
  echo "$cmd: ${best} ms (best of 3)"
done
