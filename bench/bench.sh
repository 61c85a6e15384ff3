#!/usr/bin/env bash
# bench/bench.sh [CASE ...]: end-to-end throughput and memory of `vxrecon run` against the
# built-in simulator on loopback, from a fresh clone.
#
# Each CASE is a number of ids (run with -concurrency 32 against a simulator that answers at
# once) or the word `latency` (4,000 ids, the simulator waits 50 ms before every answer,
# -concurrency 50: the ideal is 4,000 x 50 ms / 50 = 4 s). Default: 10000 100000 1000000 latency.
#
# Every run is measured by /usr/bin/time -v (Debian package `time`, installed if missing);
# CPU and peak RSS are vxrecon's alone. The simulator is a separate process on the same
# cores, so the figures include its competition for the CPU.
#
# Env: BENCH_CONCURRENCY (default 32), BENCH_KEEP=1 keeps the temporary folder,
# BENCH_ENV="VXRECON_CPUPROFILE=/tmp/cpu.pprof ..." adds variables to every run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"

cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(10000 100000 1000000 latency)
conc=${BENCH_CONCURRENCY:-32}
for c in "${cases[@]}"; do
  [[ $c =~ ^[0-9]+$ || $c == latency ]] || { echo "bench: case $c: want a number of ids or 'latency'" >&2; exit 2; }
done

if [ ! -x /usr/bin/time ]; then
  echo "== installing time" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi

tmp=$(mktemp -d)
sims=()
cleanup() {
  for p in "${sims[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  if [ "${BENCH_KEEP:-}" = 1 ]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

echo "== building" >&2
GOFLAGS="${GOFLAGS:-} -buildvcs=false" go build -o "$tmp/vxrecon" .

# start_sim LATENCY: starts a simulator on a free loopback port and sets $url.
start_sim() {
  local out="$tmp/sim-$1.out"
  "$tmp/vxrecon" simulate -addr 127.0.0.1:0 -latency "$1" >"$out" 2>&1 &
  sims+=($!)
  url=""
  for _ in $(seq 100); do
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$out" 2>/dev/null | head -1 || true)
    [ -n "$url" ] && return 0
    sleep 0.1
  done
  echo "bench: simulator did not start:" >&2; cat "$out" >&2; exit 1
}

# ids N: a CSV of N ids that always PASS with 1-4 journey stops.
ids() {
  local f="$tmp/ids-$1.csv"
  [ -f "$f" ] || awk -v n="$1" 'BEGIN { print "request_id"; for (i = 1; i <= n; i++) printf "sim-pass-%07d\n", i }' >"$f"
  echo "$f"
}

# secs "h:mm:ss.ss" or "m:ss.ss" -> seconds
secs() { awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }' <<<"$1"; }

declare -A sim_url=()
results=()
for c in "${cases[@]}"; do
  if [ "$c" = latency ]; then
    n=4000 lat=50ms cc=50
  else
    n=$c lat=0s cc=$conc
  fi
  if [ -z "${sim_url[$lat]:-}" ]; then
    start_sim "$lat"
    sim_url[$lat]=$url
  fi
  in=$(ids "$n")
  out="$tmp/r-$c.xlsx"
  echo "== $c: $n ids, concurrency $cc, simulator latency $lat" >&2
  # shellcheck disable=SC2086
  env VXRECON_TOKEN=bench ${BENCH_ENV:-} /usr/bin/time -v -o "$tmp/time-$c.txt" \
    "$tmp/vxrecon" run -input "$in" -out "$out" -base-url "${sim_url[$lat]}" \
    -concurrency "$cc" -progress off -log-format json >"$tmp/run-$c.out" 2>"$tmp/run-$c.log" || {
    echo "bench: run $c failed:" >&2; tail -5 "$tmp/run-$c.log" >&2; cat "$tmp/run-$c.out" >&2; exit 1; }
  grep -q "^PASS=$n .* total=$n .*status=COMPLETE" "$tmp/run-$c.out" || {
    echo "bench: run $c: unexpected summary:" >&2; cat "$tmp/run-$c.out" >&2; exit 1; }
  t="$tmp/time-$c.txt"
  wall=$(secs "$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$t")")
  user=$(sed -n 's/.*User time (seconds): //p' "$t")
  sys=$(sed -n 's/.*System time (seconds): //p' "$t")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$t")
  size=$(stat -c %s "$out")
  eff="-"
  if [ "$c" = latency ]; then eff=$(awk -v w="$wall" 'BEGIN { printf "%.3f", 4 / w }'); fi
  results+=("$(awk -v c="$c" -v n="$n" -v cc="$cc" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v z="$size" -v e="$eff" \
    'BEGIN { printf "| %s | %d | %d | %.2f | %.0f | %.3f | %.0f | %.1f | %s |", c, n, cc, w, n / w, (u + s) * 1000 / n, r / 1024, z / 1048576, e }')")
done

echo
echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(go env GOVERSION), $(uname -sr)"
echo
echo "| case | ids | concurrency | wall s | ids/s | CPU s per 1,000 ids | peak RSS MiB | workbook MiB | efficiency |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
printf '%s\n' "${results[@]}"
