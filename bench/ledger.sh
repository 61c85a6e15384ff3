#!/usr/bin/env bash
# bench/ledger.sh [N] [postgres]: what the ledger costs and saves, from a fresh clone. With
# "postgres", the same nights also run with a ledger on a PostgreSQL server on loopback
# (started from Debian's packages by .ci/postgres.sh, stopped at the end). N ids (default
# 1,000,000), 98 % of them PASS and 2 % IN PROGRESS, against the simulator with 2 % transient
# 500s (-fault-rate 0.02), -concurrency 32:
#   1. night 1 without a ledger, then the same night with a new ledger, side by side, twice
#      (alternating; the ratio is taken between the faster of each pair);
#   2. night 2 with the second night 1's ledger: only the 2 % not final are asked again.
# For each: wall and CPU time and peak RSS of vxrecon alone (/usr/bin/time -v), requests sent,
# and the time split from the run's own log (reading the input and opening the ledger, the
# requests, the workbook and the rest); then the ledger's size per million answers.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
n=${1:-1000000}
pg=${2:-}
[ -x /usr/bin/time ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }
tmp=$(mktemp -d)
sim=""
pgdir=$(mktemp -d) # its own: the server runs as nobody, who cannot enter $tmp
trap '[ -n "$sim" ] && kill $sim 2>/dev/null; bash .ci/postgres.sh stop "$pgdir"; rm -rf "$tmp" "$pgdir"' EXIT
GOFLAGS="${GOFLAGS:-} -buildvcs=false" go build -o "$tmp/vxrecon" .

# 2 % of the ids answer IN PROGRESS (sim-inprogress-…), the rest PASS (sim-pass-…).
awk -v n="$n" 'BEGIN { print "request_id"; for (i = 0; i < n; i++) printf (i % 50 == 7 ? "sim-inprogress-%06d\n" : "sim-pass-%06d\n"), i }' >"$tmp/ids.csv"

# A fresh simulator for each run (a fault happens on an id's first attempt since the start),
# on one port, so that every run meets the same faults and the ledger sees one base URL.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
start_sim() {
  [ -n "$sim" ] && { kill $sim 2>/dev/null; wait $sim 2>/dev/null || true; }
  "$tmp/vxrecon" simulate -addr 127.0.0.1:$port -fault-rate 0.02 >"$tmp/sim.out" 2>&1 &
  sim=$!
  for _ in $(seq 100); do grep -q http "$tmp/sim.out" 2>/dev/null && break; sleep 0.1; done
}

# elapsed LOG MESSAGE: the elapsed_s of the first log line with that message.
elapsed() { grep "\"message\":\"$2" "$1" | head -1 | grep -o '"elapsed_s":[0-9.]*' | cut -d: -f2; }

run() {
  local name=$1; shift
  start_sim
  VXRECON_TOKEN=bench /usr/bin/time -v "$tmp/vxrecon" run -input "$tmp/ids.csv" -out "$tmp/$name.xlsx" \
    -base-url "$url" -concurrency 32 -max-error-rate 1 -progress off -log-format json \
    -metrics-file "$tmp/$name.prom" "$@" >/dev/null 2>"$tmp/$name.log" || true
  local wall cpu_u cpu_s rss reqs start open classified done
  wall=$(grep 'Elapsed (wall' "$tmp/$name.log" | awk '{print $NF}')
  cpu_u=$(grep 'User time' "$tmp/$name.log" | awk '{print $NF}')
  cpu_s=$(grep 'System time' "$tmp/$name.log" | awk '{print $NF}')
  rss=$(grep 'Maximum resident' "$tmp/$name.log" | awk '{print $NF}')
  reqs=$(awk '/^vxrecon_last_run_requests/ { s += $2 } END { print s + 0 }' "$tmp/$name.prom")
  start=$(elapsed "$tmp/$name.log" start)
  open=$(grep '"message":"ledger"' "$tmp/$name.log" | grep -o '"open_s":[0-9.]*' | cut -d: -f2 || true)
  classified=$(elapsed "$tmp/$name.log" "every id classified")
  done=$(elapsed "$tmp/$name.log" done)
  printf '%-22s wall %8s  cpu %6.1f s  rss %4d MiB  requests %8d | input+ledger %6.2f s (ledger open %s s)  requests %6.2f s  workbook+rest %6.2f s\n' \
    "$name" "$wall" "$(echo "$cpu_u + $cpu_s" | bc)" "$((rss / 1024))" "$reqs" "$start" "${open:-0}" \
    "$(echo "$classified - $start" | bc)" "$(echo "$done - $classified" | bc)"
}

# wall LOG: the run's wall time in seconds.
wall() { grep 'Elapsed (wall' "$1" | awk '{print $NF}' | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }'; }

echo "== $n ids, 2 % IN PROGRESS, 2 % transient 500s, -concurrency 32"
# Night 1 with and without a ledger, twice each, alternating: this shared machine moves a run
# by several seconds, so the ratio is taken between the faster of each pair.
run no-ledger
run ledger-night1 -ledger "$tmp/ledger-a.db" -night 2026-11-01
run no-ledger-again
run ledger-night1-again -ledger "$tmp/ledger.db" -night 2026-11-01
run ledger-night2 -ledger "$tmp/ledger.db" -night 2026-11-02
rm -f "$tmp"/ledger-a.db*
base=$(printf '%s\n' "$(wall "$tmp/no-ledger.log")" "$(wall "$tmp/no-ledger-again.log")" | sort -g | head -1)
first=$(printf '%s\n' "$(wall "$tmp/ledger-night1.log")" "$(wall "$tmp/ledger-night1-again.log")" | sort -g | head -1)
second=$(wall "$tmp/ledger-night2.log")
echo "night 1 with a ledger / without (faster of two each): $first s / $base s = $(echo "scale=3; $first / $base" | bc)x;" \
  "night 2 / night 1: $second s / $(wall "$tmp/ledger-night1-again.log") s = $(echo "scale=1; 100 * $second / $(wall "$tmp/ledger-night1-again.log")" | bc) %"
if [ "$pg" = postgres ]; then
  dsn=$(bash .ci/postgres.sh start "$pgdir")
  run pg-night1 -ledger "$dsn" -night 2026-11-01
  run pg-night2 -ledger "$dsn" -night 2026-11-02
fi
size=$(du -b "$tmp/ledger.db" | cut -f1)
answers=$((n + n / 50))
echo "ledger: $((size / 1048576)) MiB for $answers answers: $((size * 1000000 / answers / 1048576)) MiB per million answers"
