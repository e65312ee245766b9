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
secs=${1:-5}; conns=${2:-64}; rounds=${3:-3}
CEILING=${CEILING:-../shared/tools/http-ceiling.sh}
[ -f "$CEILING" ] || { echo "bench: set CEILING to the http-ceiling.sh script" >&2; exit 2; }
make -s anjia

dir=$(mktemp -d)
pg=$(mktemp -u /tmp/anjia-pg-XXXXXX)   # the server runs as its own account: outside $dir
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; scripts/pg.sh stop "$pg"; rm -rf "$dir"' EXIT
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
keys="$dir/anjia.keys"
serve() { # serve DB PORT [extra flags…]
  local db=$1 port=$2; shift 2
  ./anjia serve --db "$db" --keys "$keys" --port "$port" --access-log off --jobs-interval 0 "$@" > "$dir/serve-$port.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/api/health" >/dev/null && return; sleep 0.1; done
  echo "bench: the server on $port did not start" >&2; cat "$dir/serve-$port.log" >&2; exit 1
}

file="$dir/anjia.db"
./anjia demo --db "$file" > /dev/null 2>&1
# 64 households with customer1's password (Argon2id's string carries its salt)
sqlite3 "$file" "UPDATE users SET pw_hash = (SELECT pw_hash FROM users WHERE login = 'customer1')
  WHERE id IN (SELECT id FROM users WHERE role = 'customer' ORDER BY id LIMIT 64)"
url=$(PG_DURABLE=1 scripts/pg.sh start "$pg")
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
      label=$([ "$port" = "$cached" ] && echo "cache on " || echo "cache off")
      line=$(bash "$CEILING" "http://127.0.0.1:$port$path" "$secs" "$conns" "$rounds" | tail -1)
      p99=$(wrk -t1 -c"$conns" -d"${secs}s" --latency "http://127.0.0.1:$port$path" | awk '/ 99%/{print $2}')
      echo "$engine $label ${line#http://127.0.0.1:$port} p99=$p99"
    done
  done
done
fi

# booking creation: 64 clients (two wrk of 32 on PostgreSQL, one per node), each request a random
# household of 64, a random worker who may serve throughout the coming four weeks and a random
# window in them, the hold limit lifted as for services.sh; then the database is asked for overlaps
households=$(q "SELECT login FROM users WHERE role = 'customer' ORDER BY id LIMIT 64")
now=$(date +%s)
day0=$(( (now + 8 * 3600) / 86400 * 86400 - 8 * 3600 + 86400 ))
pairs=$(q "SELECT '{' || w.id || ',' || si.id || '},' FROM worker_windows ww
  JOIN workers w ON w.id = ww.worker_id JOIN categories c ON c.trade = ww.trade
  JOIN service_items si ON si.company_id = w.company_id AND si.category_id = c.id AND si.unit = 'hour'
  WHERE ww.ok_from <= $now AND ww.ok_until > $now + 30 * 86400 AND ww.refresher_until + 15 * 86400 > $now + 30 * 86400
  ORDER BY random() LIMIT 20000" | tr -d '\n')
[ -n "$pairs" ] || { echo "bench: no worker may serve throughout the coming four weeks" >&2; exit 1; }
count() { if [ "$1" = sqlite ]; then sqlite3 "$file" "$2"; else psql "$url" -Atc "$2"; fi; }
overlap_sql="SELECT count(*) FROM bookings a JOIN bookings b ON a.worker_id = b.worker_id
  AND a.id < b.id WHERE a.live = 1 AND b.live = 1 AND a.start_at < b.end_at AND b.start_at < a.end_at"
for engine in sqlite postgresql; do
  db=$([ $engine = sqlite ] && echo "$file" || echo "$url")
  p1=$(freeport); serve "$db" "$p1" ${NODE_ARGS:-}; ports=("$p1")
  [ $engine = postgresql ] && { p2=$(freeport); serve "$db" "$p2" ${NODE_ARGS:-}; ports+=("$p2"); }
  tokens=$(for login in $households; do
    curl -fs -X POST "http://127.0.0.1:$p1/api/auth/login" -H 'Content-Type: application/json' \
      -d "{\"login\":\"$login\",\"password\":\"anjia-demo-2026\"}" \
      | python3 -c 'import json,sys; print("\"" + json.load(sys.stdin)["token"] + "\",", end="")'
  done)
  admin=$(curl -fs -X POST "http://127.0.0.1:$p1/api/auth/login" -H 'Content-Type: application/json' \
    -d '{"login":"admin","password":"anjia-demo-2026"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  curl -fs -X PATCH "http://127.0.0.1:$p1/api/standards" -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $admin" -d '{"live_named_bookings_max":100000}' > /dev/null
  cat > "$dir/book.lua" <<LUA
local pairs = {$pairs}
local day0 = $day0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local tokens = {$tokens}
-- each wrk its own seed (its first argument), so two do not send the same requests
init = function(args) math.randomseed(tonumber(args[1])) end
request = function()
  wrk.headers["Authorization"] = "Bearer " .. tokens[math.random(#tokens)]
  local p = pairs[math.random(#pairs)]
  local s = day0 + math.random(0, 26) * 86400 + (7 * 4 + math.random(0, 40)) * 900
  local e = s + math.random(1, 3) * 3600
  local body = string.format('{"service_item_id":%d,"worker_id":%d,"start":"%s","end":"%s","address":"杭州市上城区解放路 88 号","contact_phone":"13905710088"}',
    p[2], p[1], os.date("!%Y-%m-%dT%H:%M:%SZ", s), os.date("!%Y-%m-%dT%H:%M:%SZ", e))
  return wrk.format(nil, nil, nil, body)
end
-- each refusal's status and code, counted after the run
response = function(status, headers, body)
  if status ~= 201 then io.write("refused ", status, " ", body:match('"code":"([%w_]+)"') or "?", "\n") end
end
LUA
  before=$(count $engine "SELECT count(*) FROM bookings")
  t0=$(date +%s.%N)
  per=$((64 / ${#ports[@]}))
  wpids=()
  for p in "${ports[@]}"; do
    wrk -t1 -c$per -d"${secs}s" --latency -s "$dir/book.lua" "http://127.0.0.1:$p/api/bookings" -- "$RANDOM$p" > "$dir/book-$p.out" &
    wpids+=($!)
  done
  wait "${wpids[@]}"
  t1=$(date +%s.%N)
  after=$(count $engine "SELECT count(*) FROM bookings")
  overlaps=$(count $engine "$overlap_sql")
  refused=$(cat "$dir"/book-*.out | awk '/^refused/{print $2, $3}' | sort | uniq -c | sort -rn | head -4 | awk '{printf "%s%s %s x%s", (NR > 1 ? ", " : ""), $2, $3, $1}')
  python3 - "$engine" "${#ports[@]}" "$before" "$after" "$t0" "$t1" "$overlaps" "$refused" "$dir"/book-*.out <<'PY'
import sys, re
eng, nodes, b, a, t0, t1, ov, refused = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]), sys.argv[7], sys.argv[8]
outs = [open(f).read() for f in sys.argv[9:]]
rps = sum(float(re.search(r'Requests/sec:\s+([\d.]+)', o).group(1)) for o in outs)
p99 = ' / '.join(re.search(r' 99%\s+(\S+)', o).group(1) for o in outs)
print(f"{eng}: booking creation, 64 clients over {nodes} node(s): {a - b} committed in {t1 - t0:.1f} s = "
      f"{(a - b) / (t1 - t0):.0f} bookings/s ({rps:.0f} requests/s; refused: {refused or 'none'}), p99 {p99}, overlaps {ov}")
PY
  rm -f "$dir"/book-*.out
done
