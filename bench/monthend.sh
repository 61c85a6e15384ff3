#!/usr/bin/env bash
# bench/monthend.sh [N] [NIGHTS] [postgres]: what the month-end workbook costs. A ledger of
# NIGHTS nights (default 30) of N ids each (default 100,000) is made by real runs against the
# simulator (2 % transient 500s), on SQLite, or with "postgres" on a PostgreSQL server on
# loopback (started from Debian's packages by .ci/postgres.sh, stopped at the end). The ids
# roll: each night drops the 2,000 oldest and adds 2,000 new, 2 % of them stay IN PROGRESS,
# every line has an amount. Then `vxrecon report -month` over the whole period: its wall and
# CPU time and peak RSS (/usr/bin/time -v), ids and nights.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
n=${1:-100000}
nights=${2:-30}
pg=${3:-}
[ -x /usr/bin/time ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }
tmp=$(mktemp -d)
pgdir=$(mktemp -d) # its own: the server runs as nobody, who cannot enter $tmp
sim=""
trap '[ -n "$sim" ] && kill $sim 2>/dev/null; bash .ci/postgres.sh stop "$pgdir"; rm -rf "$tmp" "$pgdir"' EXIT
GOFLAGS="${GOFLAGS:-} -buildvcs=false" go build -o "$tmp/vxrecon" .
ledger="$tmp/ledger.db"
if [ "$pg" = postgres ]; then
  ledger=$(bash .ci/postgres.sh start "$pgdir")
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$tmp/vxrecon" simulate -addr 127.0.0.1:$port -fault-rate 0.02 >"$tmp/sim.out" 2>&1 &
sim=$!
for _ in $(seq 100); do grep -q http "$tmp/sim.out" 2>/dev/null && break; sleep 0.1; done

start=$(date +%s)
for k in $(seq 0 $((nights - 1))); do
  awk -v n="$n" -v k="$k" 'BEGIN { print "request_id,amount"; for (i = k * 2000; i < k * 2000 + n; i++)
    printf (i % 50 == 7 ? "sim-inprogress-%07d,%d.%02d\n" : "sim-pass-%07d,%d.%02d\n"), i, 1 + i % 9, i % 100 }' >"$tmp/ids.csv"
  night=$(date -u -d "2026-11-01 + $k days" +%F)
  VXRECON_TOKEN=bench "$tmp/vxrecon" run -input "$tmp/ids.csv" -out "$tmp/night.xlsx" -base-url "http://127.0.0.1:$port" \
    -ledger "$ledger" -night "$night" -concurrency 32 -max-error-rate 1 -progress off -log-format json >/dev/null 2>"$tmp/night.log" ||
    { tail -3 "$tmp/night.log"; exit 1; }
done
echo "== $nights nights of $n ids recorded in $(($(date +%s) - start)) s ($( [ "$pg" = postgres ] && echo PostgreSQL || echo SQLite))"
[ "$pg" = postgres ] || echo "ledger file: $(($(du -b "$tmp/ledger.db" | cut -f1) / 1048576)) MiB"

/usr/bin/time -v "$tmp/vxrecon" report -ledger "$ledger" -from 2026-11-01 -to "$(date -u -d "2026-11-01 + $((nights - 1)) days" +%F)" \
  -out "$tmp/month.xlsx" -log-format json >"$tmp/report.out" 2>"$tmp/report.log"
wall=$(grep 'Elapsed (wall' "$tmp/report.log" | awk '{print $NF}')
cpu=$(grep -E 'User time|System time' "$tmp/report.log" | awk '{s += $NF} END {print s}')
rss=$(grep 'Maximum resident' "$tmp/report.log" | awk '{print $NF}')
ids=$(grep -o '"ids":[0-9]*' "$tmp/report.log" | cut -d: -f2)
echo "report: wall $wall  cpu ${cpu} s  peak RSS $((rss / 1024)) MiB  ids $ids  workbook $(($(stat -c %s "$tmp/month.xlsx") / 1048576)) MiB"
