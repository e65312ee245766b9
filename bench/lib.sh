# bench/lib.sh — what the benchmarks share, sourced by each after `cd` to the checkout with its
# arguments: [SECONDS] [CONNECTIONS] [ROUNDS]. Servers on free ports stopped at exit; a path measured
# against nginx serving the same bytes; booking creation by 64 households split over one or more
# nodes, with the database asked for overlaps after.
secs=${1:-5}; conns=${2:-64}; rounds=${3:-3}
CEILING=${CEILING:-../shared/tools/http-ceiling.sh}
[ -f "$CEILING" ] || { echo "bench: set CEILING to the http-ceiling.sh script" >&2; exit 2; }
make -s anjia

dir=$(mktemp -d)
pids=()
at_exit=()   # more for the exit to do, each a command line
finish() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  for c in "${at_exit[@]}"; do eval "$c"; done
  rm -rf "$dir"
}
trap finish EXIT
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# serve DB PORT [extra flags…]: `anjia serve` with the key file $keys, the deadline job off (it is
# not what is measured), until the exit
serve() {
  local db=$1 port=$2; shift 2
  ./anjia serve --db "$db" --keys "$keys" --port "$port" --access-log off --jobs-interval 0 "$@" > "$dir/serve-$port.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/api/health" >/dev/null && return; sleep 0.1; done
  echo "bench: the server on $port did not start" >&2; cat "$dir/serve-$port.log" >&2; exit 1
}

# measure LABEL PORT PATH: the path's requests a second as a ratio of nginx's for the same bytes, and
# its p99 at the same load
measure() {
  local line p99
  line=$(bash "$CEILING" "http://127.0.0.1:$2$3" "$secs" "$conns" "$rounds" | tail -1)
  p99=$(wrk -t1 -c"$conns" -d"${secs}s" --latency "http://127.0.0.1:$2$3" | awk '/ 99%/{print $2}')
  echo "$1 ${line#http://127.0.0.1:$2} p99=$p99"
}

# the demo's first 64 households, each given customer1's password hash (Argon2id's string carries its
# salt), in the SQLite file given
households_of() {
  sqlite3 "$1" "UPDATE users SET pw_hash = (SELECT pw_hash FROM users WHERE login = 'customer1')
    WHERE id IN (SELECT id FROM users WHERE role = 'customer' ORDER BY id LIMIT 64)"
  households=$(sqlite3 "$1" "SELECT login FROM users WHERE role = 'customer' ORDER BY id LIMIT 64")
}

login_token() { # login_token PORT LOGIN
  curl -fs -X POST "http://127.0.0.1:$1/api/auth/login" -H 'Content-Type: application/json' \
    -d "{\"login\":\"$2\",\"password\":\"anjia-demo-2026\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

# book_script PORT FILE: $dir/book.lua, the requests of 64 households (signed in through PORT), each
# a random household, a random worker of FILE (a SQLite copy of the data) who may serve throughout
# the coming four weeks and a random window in them, inside the service hours (07:00–17:00 starts,
# at most three hours long). The hold limit (unconfirmed requests naming a worker, a standard) is
# lifted, as an association could, since each household makes hundreds of requests in it.
book_script() {
  local port=$1 file=$2 tokens="" now day0 pairs admin
  for login in $households; do tokens="$tokens\"$(login_token "$port" "$login")\","; done
  admin=$(login_token "$port" admin)
  curl -fs -X PATCH "http://127.0.0.1:$port/api/standards" -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $admin" -d '{"live_named_bookings_max":100000}' > /dev/null
  now=$(date +%s)
  day0=$(( (now + 8 * 3600) / 86400 * 86400 - 8 * 3600 + 86400 ))   # tomorrow's local midnight
  pairs=$(sqlite3 "$file" "SELECT '{' || w.id || ',' || si.id || '},' FROM worker_windows ww
    JOIN workers w ON w.id = ww.worker_id JOIN categories c ON c.trade = ww.trade
    JOIN service_items si ON si.company_id = w.company_id AND si.category_id = c.id AND si.unit = 'hour'
    WHERE ww.ok_from <= $now AND ww.ok_until > $now + 30 * 86400 AND ww.refresher_until + 15 * 86400 > $now + 30 * 86400
    ORDER BY random() LIMIT 20000" | tr -d '\n')
  [ -n "$pairs" ] || { echo "bench: no worker may serve throughout the coming four weeks" >&2; exit 1; }
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
}

OVERLAPS_SQL="SELECT count(*) FROM bookings a JOIN bookings b ON a.worker_id = b.worker_id
  AND a.id < b.id WHERE a.live = 1 AND b.live = 1 AND a.start_at < b.end_at AND b.start_at < a.end_at"

# book LABEL COUNT PORT…: $dir/book.lua for $secs seconds by 64 connections split over the ports
# (one wrk a node); COUNT is a command that runs one SQL query on the database. Prints the committed
# bookings a second, the refusals by code, the p99 and the overlaps the database holds after.
book() {
  local label=$1 count=$2 before after t0 t1 overlaps refused wpids=()
  shift 2
  before=$($count "SELECT count(*) FROM bookings")
  t0=$(date +%s.%N)
  for p in "$@"; do
    wrk -t1 -c$((64 / $#)) -d"${secs}s" --latency -s "$dir/book.lua" "http://127.0.0.1:$p/api/bookings" -- "$RANDOM$p" > "$dir/book-$p.out" &
    wpids+=($!)
  done
  wait "${wpids[@]}"
  t1=$(date +%s.%N)
  after=$($count "SELECT count(*) FROM bookings")
  overlaps=$($count "$OVERLAPS_SQL")
  refused=$(cat "$dir"/book-*.out | awk '/^refused/{print $2, $3}' | sort | uniq -c | sort -rn | head -4 | awk '{printf "%s%s %s x%s", (NR > 1 ? ", " : ""), $2, $3, $1}')
  python3 - "$label" "$#" "$before" "$after" "$t0" "$t1" "$overlaps" "$refused" "$dir"/book-*.out <<'PY'
import sys, re
label, nodes, b, a, t0, t1, ov, refused = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]), sys.argv[7], sys.argv[8]
outs = [open(f).read() for f in sys.argv[9:]]
rps = sum(float(re.search(r'Requests/sec:\s+([\d.]+)', o).group(1)) for o in outs)
p99 = ' / '.join(re.search(r' 99%\s+(\S+)', o).group(1) for o in outs)
print(f"{label}: booking creation, 64 clients over {nodes} node(s): {a - b} committed in {t1 - t0:.1f} s = "
      f"{(a - b) / (t1 - t0):.0f} bookings/s ({rps:.0f} requests/s; refused: {refused or 'none'}), p99 {p99}, overlaps {ov}")
PY
  rm -f "$dir"/book-*.out
}
