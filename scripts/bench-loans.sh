#!/usr/bin/env bash
# Benchmark `report loans` on the full-size 2021 loan book of the seed.
#
# Generates the book with examples/gen_loan_book.rs (9,167 loans summing exactly to
# 15.87亿元, 173,300 jobs, ~94,000 repayments up to 2022-06-15, defaults, payouts,
# recoveries, write-offs, 150 grants), checks the totals, then times the report.
# The generated database is not committed (it is ~40 MB); results go in
# docs/benchmarks.md.
#
# Usage: scripts/bench-loans.sh [DB] [RUNS]   (default: target/loan-book.db, 5 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
db="${1:-target/loan-book.db}"
runs="${2:-5}"
export FUNDLEDGER_TODAY=2022-06-15 FUNDLEDGER_NOW=2022-06-15T00:00:00Z FUNDLEDGER_USER=bench

cargo build --release --quiet --example gen_loan_book
cargo build --release --quiet
bin="$PWD/target/release/fundledger"

if [ ! -f "$db" ]; then
  start=$(date +%s.%N)
  target/release/examples/gen_loan_book "$db"
  echo "generated $db in $(echo "$(date +%s.%N) - $start" | bc) s ($(du -h "$db" | cut -f1))"
fi

# The book must be the seed's: 9,167 loans, exactly 1,587,000,000.00 元, 173,300 jobs.
json=$("$bin" --db "$db" --format json report loans)
for want in '"loans": 9167' '"disbursed": "1587000000.00"' '"jobs": 173300' '"average_loan": "173120.98"'; do
  if ! grep -qF "$want" <<<"$json"; then
    echo "unexpected book: missing $want" >&2
    exit 1
  fi
done
entries=$("$bin" --db "$db" --format csv log | tail -n +2 | wc -l)
echo "book: 9167 loans, 15.87亿元, $entries journal entries"

# Wall and CPU seconds of each run; the minimum is the figure least disturbed by
# other work on the machine.
bench() {
  local label="$1"; shift
  local times=()
  for _ in $(seq "$runs"); do
    times+=("$( { /usr/bin/time -f "%e %U" "$bin" --db "$db" "$@" >/dev/null; } 2>&1 | tail -n 1)")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v l="$label" -v n="$runs" '
    NR == 1 { min = $1; minu = $2 } { a[NR] = $1 }
    END { printf "%-45s min %.2f s wall (%.2f s CPU), median %.2f s, %d runs\n", l, min, minu, a[int((n + 1) / 2)], n }'
}
bench "report loans (table)" report loans
bench "report loans --format json" --format json report loans
bench "report loans --by guarantor" report loans --by guarantor
bench "report loans --as-of 2021-12-31 --by year" report loans --as-of 2021-12-31 --by year
bench "loan list --format csv" --format csv loan list
