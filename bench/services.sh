#!/usr/bin/env bash
# Services at scale: on the industry `anjia demo --scale large` writes (100,000 workers, 1,000,000
# past bookings each with its review), a worker's public profile and the public search against the
# machine's HTTP ceiling (nginx serving the same bytes), with the public cache on and off, their
# p99 at the same load, and booking creation by 64 concurrent clients with the overlap check after.
# usage: bench/services.sh [SECONDS] [CONNECTIONS] [ROUNDS]   (prints results; copy them to RESULTS.md)
# The large database is made once into bench/data/ (about 15 minutes) and reused while the schema is
# the same; the booking test writes into a copy.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh "$@"

mkdir -p bench/data
stamp=$(cat src/store/schema/*.sql src/demo.c src/*/demo.c | sha256sum | cut -c1-16)
large=bench/data/large-$stamp.db
if [ ! -f "$large" ]; then
  rm -f bench/data/large-*.db* bench/data/anjia.keys
  echo "# making the large industry (once): $large"
  /usr/bin/time -f "# made in %e s, %M KiB peak" ./anjia demo --db "$large.part" --scale large
  mv "$large.part" "$large"
fi
keys=bench/data/anjia.keys   # made beside the database by the demo

q() { sqlite3 "$large" "$1"; }
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores; $(q 'SELECT count(*) FROM workers') workers," \
     "$(q 'SELECT count(*) FROM bookings') bookings, $(q 'SELECT count(*) FROM reviews') reviews;" \
     "wrk 1 thread, $conns connections, ${secs}s x $rounds rounds"

# a reviewed worker, and a search a customer would make
worker=$(q "SELECT subject_id FROM ratings WHERE subject = 'worker' ORDER BY n DESC LIMIT 1 OFFSET 100")
from=$(date -u -d 'today + 3 days 01:00' +%Y-%m-%dT%H:%M:%SZ); to=$(date -u -d 'today + 3 days 04:00' +%Y-%m-%dT%H:%M:%SZ)
search="/api/public/search?category=home_cleaning&from=$from&to=$to&sort=rating"

cached=$(freeport); uncached=$(freeport)
serve "$large" "$cached"
serve "$large" "$uncached" --public-cache-ms 0
for path in "/api/public/workers/$worker" "$search"; do
  for port in "$cached" "$uncached"; do
    measure "$([ "$port" = "$cached" ] && echo "public cache on " || echo "public cache off")" "$port" "$path"
  done
done

# where the time of an uncached answer goes, when perf is at hand
if command -v perf >/dev/null && perf record -o /dev/null true 2>/dev/null; then
  for path in "/api/public/workers/$worker" "$search"; do
    perf record -q -g -o "$dir/perf.data" -p "${pids[1]}" -- sleep "$secs" 2>/dev/null &
    wrk -t1 -c"$conns" -d"${secs}s" "http://127.0.0.1:$uncached$path" >/dev/null
    wait $! || true
    echo "# where the time goes, uncached: ${path%%\?*}"
    perf report -i "$dir/perf.data" --no-children --sort dso --stdio 2>/dev/null | awk '/%/ && $1+0 >= 1 {print "  " $1, $2}'
  done
fi

# booking creation (bench/lib.sh) into a copy of the large industry, whose eight demo households
# become 64
cp "$large" "$dir/write.db"
households_of "$dir/write.db"
wport=$(freeport)
serve "$dir/write.db" "$wport"
book_script "$wport" "$dir/write.db"
count() { sqlite3 "$dir/write.db" "$1"; }
book sqlite count "$wport"
