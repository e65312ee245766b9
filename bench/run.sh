#!/usr/bin/env bash
# Measures Anjia's endpoints against this machine's HTTP ceiling: nginx serving the very same
# response bytes, driven by wrk with the same settings, alternately, in one run.
# usage: bench/run.sh [SECONDS] [CONNECTIONS] [ROUNDS]     (results are printed; copy them to RESULTS.md)
# needs: wrk, nginx, curl (scripts/deps.sh installs them) and the ceiling script named by $CEILING.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-5}; conns=${2:-64}; rounds=${3:-3}
CEILING=${CEILING:-../shared/tools/http-ceiling.sh}
[ -f "$CEILING" ] || { echo "bench: set CEILING to the http-ceiling.sh script" >&2; exit 2; }
make -s anjia build/rel/bench/eligibility

dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
./anjia demo --db "$dir/bench.db" >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
./anjia serve --db "$dir/bench.db" --port "$port" --access-log off > "$dir/serve.log" 2>&1 &
pid=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.1; done
base="http://127.0.0.1:$port"
token=$(curl -fs -X POST "$base/api/auth/login" -H 'Content-Type: application/json' \
  -d '{"login":"admin","password":"anjia-demo-2026"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

serial=$(curl -fs "$base/api/certificates?per_page=1&status=valid" -H "Authorization: Bearer $token" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["serial"])')

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, wrk 1 thread, $conns connections, ${secs}s x $rounds rounds"
for path in /api/health / /api/me /api/orgs "/api/users?per_page=20" /api/public/workers/100 \
            "/api/public/verify/$serial" "/api/workers/100/eligibility?trade=household" "/api/workers?per_page=20" \
            /api/public/complaint-figures /api/public/companies/2 "/api/complaints?status=open"; do
  hdr=""
  case "$path" in /api/me|/api/orgs|/api/users*|/api/workers*|/api/complaints*) hdr="Authorization: Bearer $token";; esac
  HEADER="$hdr" bash "$CEILING" "$base$path" "$secs" "$conns" "$rounds" | tail -1
  # latency at the same load, from wrk's own distribution
  if [ -n "$hdr" ]; then
    wrk -t1 -c"$conns" -d"${secs}s" --latency -H "$hdr" "$base$path" | awk '/ 99%/{print "  p99 " $2}'
  else
    wrk -t1 -c"$conns" -d"${secs}s" --latency "$base$path" | awk '/ 99%/{print "  p99 " $2}'
  fi
done

# the "may serve now" rule in process, one thread, on the same demo data
build/rel/bench/eligibility "$dir/bench.db" "$secs"
