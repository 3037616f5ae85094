#!/usr/bin/env bash
# Issue 13: the same generated ledger on SQLite and on PostgreSQL, side by side in one
# run — import, the first command on a machine without a replica, `report portfolio`,
# `report returns --by fund`, `report leverage`, `audit`, a single CLI write, and
# catching up after another office's 10,000 entries — wall, CPU (user + sys) and the
# client's peak RSS from /usr/bin/time. Results go in docs/benchmarks.md by hand.
# Usage: scripts/bench-pg.sh ADMIN_URL [ROWS] [WORKDIR]
#   ADMIN_URL: a superuser URL of a throwaway server (scripts/pg-cluster.sh start DIR
#   prints one); the script creates a database `fl_bench_<pid>` on it and leaves it.
#   ROWS default 1000000 (examples/gen_import.rs); WORKDIR default: a temp dir, removed.
set -euo pipefail
cd "$(dirname "$0")/.."
admin="$1"
rows="${2:-1000000}"
if [ -n "${3:-}" ]; then work="$3"; mkdir -p "$work"; else
  work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT; fi
cargo build --release --quiet --bin fundledger --example gen_import
bin="$PWD/target/release/fundledger"
db="$work/bench.db"
dbname="fl_bench_$$"
psql -q -d "$admin" -c "CREATE DATABASE $dbname"
url="${admin%/*}/$dbname"
export FUNDLEDGER_PG_CACHE="$work/replica"
rm -rf "$FUNDLEDGER_PG_CACHE" "$db"
t() {
  local label="$1"; shift
  /usr/bin/time -f "%e|%U|%S|%M" -o "$work/time.txt" "$@" > /dev/null || true
  IFS='|' read -r e u s m < <(tail -n 1 "$work/time.txt")
  awk -v l="$label" -v e="$e" -v u="$u" -v s="$s" -v m="$m" \
    'BEGIN { printf "| %s | %.2f s | %.2f s | %.0f MB |\n", l, e, u + s, m / 1024 }'
}
./target/release/examples/gen_import "$rows" > "$work/import.csv"
n=$(($(wc -l < "$work/import.csv") - 1))
echo "| command | wall | CPU | client peak RSS |"
echo "| --- | ---: | ---: | ---: |"
"$bin" --db "$db" init > /dev/null
"$bin" --db "$url" init > /dev/null
t "SQLite: import ($n rows)" "$bin" --db "$db" import "$work/import.csv"
t "PostgreSQL: import ($n rows; the replica is built on the way)" "$bin" --db "$url" import "$work/import.csv"
echo "| server: $(psql -qtA -d "$url" -c "SELECT count(*) FROM entries") entries, $(psql -qtA -d "$url" -c "SELECT pg_size_pretty(pg_database_size('$dbname'))") | | | |"
rm -rf "$FUNDLEDGER_PG_CACHE"
t "PostgreSQL: first command on a machine without a replica (report portfolio)" "$bin" --db "$url" report portfolio
t "PostgreSQL: FUNDLEDGER_PG_CACHE=off (report portfolio, whole ledger pulled)" \
  env FUNDLEDGER_PG_CACHE=off "$bin" --db "$url" report portfolio
"$bin" --db "$db" report portfolio > /dev/null # untimed: the file into the page cache
for args in "report portfolio" "report returns --by fund" "report leverage"; do
  # shellcheck disable=SC2086
  t "SQLite: $args" "$bin" --db "$db" $args
  # shellcheck disable=SC2086
  t "PostgreSQL: $args" "$bin" --db "$url" $args
done
t "SQLite: audit" "$bin" --db "$db" audit
t "PostgreSQL: audit (always pulls the whole ledger)" "$bin" --db "$url" audit
for i in 1 2 3; do
  t "SQLite: deal pay (one CLI write, run $i)" "$bin" --db "$db" deal pay F0000 C0000 --amount 1 --date 2024-12-31
  t "PostgreSQL: deal pay (one CLI write, run $i)" "$bin" --db "$url" deal pay F0000 C0000 --amount 1 --date 2024-12-31
done
# Another office adds 10,000 entries; this machine's next report catches up.
{
  echo "type,fund,company,amount,date,detail"
  for i in $(seq 0 9999); do
    printf 'deal-value,F%04d,C%04d,1000000,2024-12-31,appraisal\n' $((i / 1000)) $((i % 1000))
  done
} > "$work/new.csv"
FUNDLEDGER_PG_CACHE="$work/other-office" "$bin" --db "$url" import --allow-duplicate "$work/new.csv" > /dev/null
t "PostgreSQL: report portfolio after another office added 10,000 entries" "$bin" --db "$url" report portfolio
h1="$("$bin" --db "$url" --format json audit | jq -r '"\(.entries):\(.head)"')"
rm -rf "$work/other-office"
echo "| chain head on the server: $h1 | | | |"
