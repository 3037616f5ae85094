#!/usr/bin/env bash
# Load `fundledger serve` on a large ledger: 200 concurrent requests per page, on
# loopback only, then the latencies (examples/serve_load.rs). Results go in
# docs/benchmarks.md by hand.
# Usage: scripts/bench-serve.sh LEDGER.db   (e.g. one made by scripts/bench-import.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
db="${1:?usage: scripts/bench-serve.sh LEDGER.db}"
cargo build --release --quiet
cargo build --release --quiet --example serve_load
port=18640
./target/release/fundledger --db "$db" serve --read-only --listen "127.0.0.1:$port" 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done
fund=$(./target/release/fundledger --db "$db" --format csv fund list | sed -n 2p | cut -d, -f1)
last=$(./target/release/fundledger --db "$db" --format json audit 2>/dev/null | sed -n 's/.*"entries": *\([0-9]*\).*/\1/p' | head -1)
load() { ./target/release/examples/serve_load "127.0.0.1:$port" "$1" 200 200; }
# The first request of each page builds it (one build, the others wait); the second
# round is served from the pages kept for this version of the ledger.
for round in cold warm; do
  echo "== $round"
  load "/"
  load "/fund/$fund"
  load "/journal"
  load "/journal?before=$((last / 2))"
  load "/journal?fund=$fund&kind=deal-pay"
done
