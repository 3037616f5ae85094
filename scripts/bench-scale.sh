#!/usr/bin/env bash
# Issue 16: a ledger of ROWS generated entries (examples/gen_import.rs: funds of 1,000
# holdings, 10 entries each) and what each command costs on it — wall, CPU (user + sys)
# and peak RSS from /usr/bin/time — with bare sqlite3 aggregates over the same file in
# the same run (the floor under any report). Results go in docs/benchmarks.md by hand.
# Usage: scripts/bench-scale.sh [ROWS] [WORKDIR]
#   ROWS default 1000000; WORKDIR keeps the ledger between runs (default: a temp dir,
#   removed at the end). A 10,000,000-row ledger takes about 2.5 GB and a few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-1000000}"
if [ -n "${2:-}" ]; then work="$2"; mkdir -p "$work"; else
  work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT; fi
cargo build --release --quiet --bin fundledger --example gen_import
bin="$PWD/target/release/fundledger"
db="$work/scale-$rows.db"
fl() { "$bin" --db "$db" "$@"; }
# t LABEL COMMAND...: one timed run, printed as a table row (output to /dev/null).
t() {
  local label="$1"; shift
  /usr/bin/time -f "%e|%U|%S|%M" -o "$work/time.txt" "$@" > /dev/null || true
  IFS='|' read -r e u s m < <(tail -n 1 "$work/time.txt")
  awk -v l="$label" -v e="$e" -v u="$u" -v s="$s" -v m="$m" \
    'BEGIN { printf "| %s | %.2f s | %.2f s | %.0f MB |\n", l, e, u + s, m / 1024 }'
}
echo "| command | wall | CPU | peak RSS |"
echo "| --- | ---: | ---: | ---: |"
if [ ! -f "$db" ]; then
  ./target/release/examples/gen_import "$rows" > "$work/import.csv"
  fl init > /dev/null
  t "import ($(($(wc -l < "$work/import.csv") - 1)) rows)" "$bin" --db "$db" import "$work/import.csv"
  rm -f "$work/import.csv"
fi
entries=$(sqlite3 "$db" "SELECT count(*) FROM entries")
echo "| ledger: $entries entries, $(du -h "$db" | cut -f1), $(sqlite3 "$db" "SELECT count(*) FROM position_years") summary rows | | | |"
fl report portfolio > /dev/null # untimed: the file into the page cache
for args in "report portfolio" "report portfolio --as-of 2019-12-31" \
            "report portfolio --as-of 2019-06-30" "report leverage" "report returns --by fund" \
            "report returns --by fund --as-of 2019-06-30"; do
  # shellcheck disable=SC2086
  t "$args" "$bin" --db "$db" $args
done
t "sqlite3: paid-in SUM … GROUP BY fund over the journal" \
  sqlite3 "$db" "SELECT fund_id, sum(amount_fen) FROM entries WHERE kind = 'deal-pay' GROUP BY fund_id"
t "sqlite3: portfolio's columns over the journal (no reversal check)" \
  sqlite3 "$db" "SELECT fund_id, sum(CASE WHEN kind = 'deal-commit' THEN amount_fen END),
    sum(CASE WHEN kind = 'deal-pay' THEN amount_fen END), sum(CASE WHEN kind = 'deal-proceeds' THEN amount_fen END),
    count(DISTINCT company_id) FROM entries WHERE company_id IS NOT NULL GROUP BY fund_id"
t "sqlite3: the same over the summary" \
  sqlite3 "$db" "SELECT fund_id, sum(committed_fen), sum(paid_in_fen), sum(proceeds_fen),
    count(DISTINCT counterparty_id) FROM position_years WHERE NOT is_lp GROUP BY fund_id"
t "log --format csv" "$bin" --db "$db" --format csv log
t "log --format json" "$bin" --db "$db" --format json log
if [ "$entries" -lt 1048000 ]; then # a sheet holds 1,048,576 rows
  rm -f "$work/log.xlsx"
  t "log --format xlsx (streamed sheet)" "$bin" --db "$db" --format xlsx --output "$work/log.xlsx" log
  rm -f "$work/log.xlsx"
fi
t "export --format json" "$bin" --db "$db" --format json export
t "audit (full)" "$bin" --db "$db" audit
head="$(fl --format json audit | jq -r '"\(.entries):\(.head)"' || true)"
# 10,000 new entries (valuations of existing holdings), then the incremental audit.
{
  echo "type,fund,company,amount,date,detail"
  for i in $(seq 0 9999); do
    printf 'deal-value,F%04d,C%04d,1000000,2024-12-31,appraisal\n' $((i / 1000)) $((i % 1000))
  done
} > "$work/new.csv"
t "import 10,000 more rows" "$bin" --db "$db" import --allow-duplicate "$work/new.csv"
t "audit --since N:HASH (10,000 entries after N)" "$bin" --db "$db" audit --since "$head"
for i in 1 2 3; do
  t "deal pay (one CLI write, run $i)" "$bin" --db "$db" deal pay F0000 C0000 --amount 1 --date 2024-12-31
done
t "report portfolio (after the writes)" "$bin" --db "$db" report portfolio
t "reindex" "$bin" --db "$db" reindex
