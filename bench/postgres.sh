#!/usr/bin/env bash
# The same platform on both engines: a demo industry (2,000 workers, six months of bookings) in a
# SQLite file and, moved with `anjia migrate-data`, in a private PostgreSQL server with every commit
# flushed (synchronous_commit on); a worker's public profile and the public search against the
# machine's HTTP ceiling (nginx serving the same bytes) on each, and booking creation by 64 clients
# over two nodes on the one PostgreSQL database (one node on SQLite), with the overlap check after.
# usage: [PART=bookings] bench/postgres.sh [SECONDS] [CONNECTIONS] [ROUNDS]   (prints results; copy them
# to RESULTS.md)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh "$@"
pg=$(mktemp -u /tmp/anjia-pg-XXXXXX)   # the server runs as its own account: outside $dir
at_exit+=('scripts/pg.sh stop "$pg"')
keys="$dir/anjia.keys"

file="$dir/anjia.db"
./anjia demo --db "$file" > /dev/null 2>&1
households_of "$file"
# every commit flushed, as in production; PG_DURABLE=0 shows what the flushes cost
url=$(PG_DURABLE=${PG_DURABLE:-1} scripts/pg.sh start "$pg")
/usr/bin/time -f "# moved to PostgreSQL in %e s" ./anjia migrate-data --from "$file" --to "$url" > /dev/null
q() { sqlite3 "$file" "$1"; }
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores; $(q 'SELECT count(*) FROM workers') workers," \
     "$(q 'SELECT count(*) FROM bookings') bookings; PostgreSQL $(psql "$url" -Atc 'SHOW server_version'), synchronous_commit" \
     "$(psql "$url" -Atc 'SHOW synchronous_commit'); wrk 1 thread, $conns connections, ${secs}s x $rounds rounds"

worker=$(q "SELECT subject_id FROM ratings WHERE subject = 'worker' ORDER BY n DESC LIMIT 1 OFFSET 10")
from=$(date -u -d 'today + 3 days 01:00' +%Y-%m-%dT%H:%M:%SZ); to=$(date -u -d 'today + 3 days 04:00' +%Y-%m-%dT%H:%M:%SZ)
search="/api/public/search?category=home_cleaning&from=$from&to=$to&sort=rating"
# PART=bookings measures only the bookings
if [ "${PART:-all}" != bookings ]; then
for engine in sqlite postgresql; do
  db=$([ $engine = sqlite ] && echo "$file" || echo "$url")
  cached=$(freeport); uncached=$(freeport)
  serve "$db" "$cached"
  serve "$db" "$uncached" --public-cache-ms 0
  for path in "/api/public/workers/$worker" "$search"; do
    for port in "$cached" "$uncached"; do
      measure "$engine $([ "$port" = "$cached" ] && echo "cache on " || echo "cache off")" "$port" "$path"
    done
  done
done
fi

# booking creation (bench/lib.sh): 64 clients, two wrk of 32 on PostgreSQL, one a node
count() { if [ "$engine" = sqlite ]; then sqlite3 "$file" "$1"; else psql "$url" -Atc "$1"; fi; }
for engine in sqlite postgresql; do
  db=$([ $engine = sqlite ] && echo "$file" || echo "$url")
  p1=$(freeport); serve "$db" "$p1" ${NODE_ARGS:-}; ports=("$p1")
  [ $engine = postgresql ] && { p2=$(freeport); serve "$db" "$p2" ${NODE_ARGS:-}; ports+=("$p2"); }
  book_script "$p1" "$file"
  book $engine count "${ports[@]}"
done
