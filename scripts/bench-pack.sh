#!/usr/bin/env bash
# Measure `report pack --format pdf` and `--format html` beside `report portfolio` on a
# ledger of ROWS imported entries (default 1,000,000; examples/gen_import.rs: funds of
# 1,000 holdings, so 100 funds at 1M). Wall time and peak RSS from /usr/bin/time.
# Usage: scripts/bench-pack.sh [ROWS]     Results go in docs/benchmarks.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-1000000}"
cargo build --release --quiet --bin fundledger --example gen_import
db="target/bench-pack-$rows.db"
if [ ! -f "$db" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  ./target/release/examples/gen_import "$rows" > "$work/import.csv"
  ./target/release/fundledger --db "$db" init > /dev/null
  ./target/release/fundledger --db "$db" import "$work/import.csv" > /dev/null
fi
echo "ledger: $db ($(du -h "$db" | cut -f1), $rows rows imported)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
bin=./target/release/fundledger
run() {
  local name="$1"; shift
  /usr/bin/time -f "$name: %e s wall, %U s user, %M KiB max RSS" "$bin" --db "$db" --unit wan "$@" > /dev/null
}
for i in 1 2 3; do
  echo "-- run $i"
  run "report portfolio (table)" report portfolio --as-of 2025-12-31
  run "report pack --format html" --format html --output "$out/pack-$i.html" report pack --as-of 2025-12-31
  run "report pack --format pdf" --format pdf --output "$out/pack-$i.pdf" report pack --as-of 2025-12-31
done
echo "html: $(du -h "$out/pack-1.html" | cut -f1); pdf: $(du -h "$out/pack-1.pdf" | cut -f1), $(pdfinfo "$out/pack-1.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}') pages"
