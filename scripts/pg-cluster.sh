#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: no system service, no Docker.
#   scripts/pg-cluster.sh start DIR [PORT]   prints the superuser URL on stdout
#   scripts/pg-cluster.sh stop DIR
#   scripts/pg-cluster.sh crash-restart DIR  stops it as a crash would (immediate: no
#                                            checkpoint, recovery from WAL) and starts it
# initdb refuses to run as root, so as root the cluster belongs to the `postgres`
# user (Debian's postgresql package creates it). Trust authentication, listening on
# 127.0.0.1 only and on a socket inside DIR.
set -euo pipefail
cmd=${1:?start or stop}
dir=${2:?directory for the cluster}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ]; then
  echo "no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)" >&2
  exit 1
fi
as=()
if [ "$(id -u)" = 0 ]; then as=(runuser -u postgres --); fi
case "$cmd" in
  start)
    port=${3:-54329}
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
    "${as[@]}" "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-k $dir -c listen_addresses=127.0.0.1 -p $port" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  crash-restart)
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m immediate -w restart >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    ;;
  *)
    echo "usage: $0 start DIR [PORT] | stop DIR | crash-restart DIR" >&2
    exit 2
    ;;
esac
