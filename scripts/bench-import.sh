#!/usr/bin/env bash
# Benchmark `import` on a generated CSV (default 1,000,000 rows; see examples/gen_import.rs).
# Usage: scripts/bench-import.sh [ROWS]     Results go in docs/benchmarks.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-1000000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet
cargo build --release --quiet --example gen_import
./target/release/examples/gen_import "$rows" > "$work/import.csv"
echo "generated $(($(wc -l < "$work/import.csv") - 1)) rows, $(du -h "$work/import.csv" | cut -f1)"
./target/release/fundledger --db "$work/bench.db" init > /dev/null
/usr/bin/time -f "import: %e s wall, %U s user, %M KiB max RSS" \
  ./target/release/fundledger --db "$work/bench.db" import "$work/import.csv"
/usr/bin/time -f "audit after import: %e s wall, %M KiB max RSS" \
  ./target/release/fundledger --db "$work/bench.db" audit --as-of 2030-01-01 | tail -n 1
echo "ledger file: $(du -h "$work/bench.db" | cut -f1)"
