#!/usr/bin/env bash
# Installs what building, testing and benchmarking Anjia needs and is missing on this Debian machine:
# Debian packages with apt-get (as root, or through sudo), and the browser tests' npm packages.
# usage: scripts/deps.sh          install what is missing
#        scripts/deps.sh --check  exit 0 when nothing is missing, 1 otherwise (installs nothing)
set -euo pipefail
cd "$(dirname "$0")/.."

# build: compiler, libraries (cracklib with its dictionary, which the password rules read at run
# time); tests: cmocka, chromium with a CJK font, node, stress-ng (the suite run on a loaded machine);
# bench: wrk, nginx, curl
debs=(gcc make pkg-config ca-certificates curl
      libevent-dev libsqlite3-dev libsodium-dev libjansson-dev libqrencode-dev libcmocka-dev
      libcrack2-dev cracklib-runtime libzip-dev libxml2-dev libpq-dev postgresql
      sqlite3 chromium fonts-wqy-microhei stress-ng wrk nginx-light python3)

missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# node and npm may come from Debian or from another source; only ask Debian when absent
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

npm_missing=0
[ -d tests/e2e/node_modules/playwright-core ] || npm_missing=1

if [ "${1:-}" = "--check" ]; then
  [ ${#missing[@]} -eq 0 ] && [ $npm_missing -eq 0 ]
  exit
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  as_root=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    as_root=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ $npm_missing -eq 1 ]; then
  echo "deps: installing the browser tests' npm packages"
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
fi
