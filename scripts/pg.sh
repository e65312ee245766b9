#!/usr/bin/env bash
# A private PostgreSQL server for the tests: its own cluster in a directory, listening only on a
# Unix socket in that directory, run by an unprivileged user (the postgres account Debian's package
# makes, when this runs as root), stopped and removed afterwards.
# usage: scripts/pg.sh start DIR   make and start the cluster in DIR; prints its URL
#        scripts/pg.sh url DIR     the URL of the cluster in DIR (database anjia)
#        scripts/pg.sh stop DIR    stop the cluster in DIR and remove DIR
#        scripts/pg.sh forget      drop the databases a test run (ANJIA_TEST_RUN) left on the server
#                                  ANJIA_TEST_PG names
#        scripts/pg.sh run CMD…    start a cluster in a temporary directory, run CMD with
#                                  ANJIA_PG set to its URL, stop and remove it (also when CMD fails);
#                                  CMD's exit status
set -euo pipefail

PORT=5439
bindir() {
  local d
  d=$(pg_config --bindir 2>/dev/null || true)
  [ -x "$d/initdb" ] || d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -x "$d/initdb" ] || { echo "pg.sh: PostgreSQL's server (initdb, pg_ctl) is not installed" >&2; exit 1; }
  echo "$d"
}

# runs a command as the cluster's owner: this user, or postgres when this is root
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

url() { echo "postgresql:///anjia?host=$1&port=$PORT&user=anjia"; }

start() {
  local dir=$1 bin
  bin=$(bindir)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  # C collation: text sorts and compares by code point, as on SQLite
  as_owner "$bin/initdb" -D "$dir/data" -U anjia --auth=trust --encoding=UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  # a throwaway cluster for the tests: durability off makes the suites quicker and changes nothing
  # they check; PG_DURABLE=1 (the benchmarks) keeps PostgreSQL's defaults: every commit flushed
  local durable="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [ "${PG_DURABLE:-}" = 1 ] && durable="-c synchronous_commit=on"
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o \
    "-k $dir -p $PORT -c listen_addresses='' -c max_connections=400 $durable -c shared_buffers=256MB" >/dev/null ||
    { cat "$dir/server.log" >&2; exit 1; }
  as_owner "$bin/createdb" -h "$dir" -p $PORT -U anjia anjia
  url "$dir"
}

stop() {
  local dir=$1 bin
  bin=$(bindir)
  [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

# the databases a run's tests share are named anjia_<what>_<the run directory's name in lower case>
forget() {
  local tag
  tag=$(basename "$ANJIA_TEST_RUN" | tr 'A-Z' 'a-z' | tr -cd 'a-z0-9')
  psql "$ANJIA_TEST_PG" -Atqc "SELECT datname FROM pg_database WHERE datname LIKE 'anjia\_%\_$tag'" |
    while read -r db; do psql "$ANJIA_TEST_PG" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"; done
}

case "${1:-}" in
  start) start "$2" ;;
  url) url "$(cd "$2" && pwd)" ;;
  stop) stop "$2" ;;
  forget) forget ;;
  run)
    shift
    dir=$(mktemp -d /tmp/anjia-pg-XXXXXX)
    trap 'stop "$dir"' EXIT
    ANJIA_PG=$(start "$dir")
    export ANJIA_PG
    rc=0
    "$@" || rc=$?
    exit $rc
    ;;
  *) sed -n '2,13p' "$0" >&2; exit 2 ;;
esac
