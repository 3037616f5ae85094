#!/usr/bin/env bash
# Benchmark `report returns` on a generated ledger: 1,000 funds × 100 holdings × 10
# entries (1,000,000 deal entries, plus LP commitments, payments and distributions),
# built by examples/gen_returns_bench.rs through ops::record_many (every rule checked).
# Prints wall time, CPU time and peak memory (/usr/bin/time) per variant; the figures
# go in docs/benchmarks.md. The generated files are not committed.
#
# Usage: scripts/bench-returns.sh [DB] [INDEX.csv]
#        (default target/bench/returns.db and target/bench/index.csv; generated if missing,
#         which takes several minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
db="${1:-target/bench/returns.db}"
idx="${2:-target/bench/index.csv}"
cargo build --release --quiet
cargo build --release --quiet --example gen_returns_bench
if [ ! -f "$db" ]; then
  mkdir -p "$(dirname "$db")"
  target/release/examples/gen_returns_bench "$db" "$idx"
fi
bin="$PWD/target/release/fundledger"
echo "ledger: $db ($(du -h "$db" | cut -f1)); $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
# One untimed run so every variant starts with the file in the OS page cache.
"$bin" --db "$db" --format json report returns --as-of 2025-12-31 >/dev/null
run() {
  /usr/bin/time -f "%e s wall  %U s user  %S s sys  %M KB max RSS  | $*" "$bin" --db "$db" "$@" >/dev/null
}
for i in 1 2 3; do
  run --format json report returns --as-of 2025-12-31
done
run --format json report returns --as-of 2025-12-31 --by holding
run --format json report returns --as-of 2025-12-31 --by lp
run --format json report returns --as-of 2025-12-31 --benchmark "$idx"
run --format table --unit wan report returns --as-of 2025-12-31
run --format json report returns --as-of 2018-12-31
run --format json report returns --as-of 2025-12-31 --fund G03
