#!/usr/bin/env bash
# Benchmark `import` on a generated CSV (default 1,000,000 rows; see examples/gen_import.rs):
# the file as generated (not in date order), the same rows in date order, and what SQLite
# alone costs for as many journal rows (examples/insert_floor.rs).
# Usage: scripts/bench-import.sh [ROWS]     Results go in docs/benchmarks.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-1000000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet
cargo build --release --quiet --example gen_import --example insert_floor
./target/release/examples/gen_import "$rows" > "$work/import.csv"
echo "generated $(($(wc -l < "$work/import.csv") - 1)) rows, $(du -h "$work/import.csv" | cut -f1)"
# The same rows with the reference rows first and the entries in date order (column 10),
# as an export or a sorted sheet has them.
{
  head -n 1 "$work/import.csv"
  grep -E '^(fund|investor|company),' "$work/import.csv"
  grep -vE '^(type|fund|investor|company),' "$work/import.csv" | sort -s -t, -k10,10
} > "$work/ordered.csv"
for file in import ordered; do
  rm -f "$work/bench.db"
  ./target/release/fundledger --db "$work/bench.db" init > /dev/null
  /usr/bin/time -f "import ($file): %e s wall, %U s user, %M KiB max RSS" \
    ./target/release/fundledger --db "$work/bench.db" import "$work/$file.csv"
done
/usr/bin/time -f "audit after import: %e s wall, %M KiB max RSS" \
  ./target/release/fundledger --db "$work/bench.db" audit --as-of 2030-01-01 | tail -n 1
echo "ledger file: $(du -h "$work/bench.db" | cut -f1)"
./target/release/examples/insert_floor "$rows" "$work"
