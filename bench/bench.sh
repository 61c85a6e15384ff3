#!/usr/bin/env bash
# bench/bench.sh [CASE ...]: end-to-end speed, memory and temporary disk of `vxrecon run`
# against the built-in simulator on loopback, clean and under faults, from a fresh clone.
#
# Cases (default: 10000 faults-10000 100000 faults-100000 latency latency-faults hang ratelimit huge):
#   N              N ids that always PASS (1-4 journey stops), -concurrency 32, no latency
#   faults-N       the same ids, 2 % of them answer one 500 before their PASS (-fault-rate 0.02)
#   latency        4,000 ids, 50 ms per answer, -concurrency 50: ideal 4,000 x 50 ms / 50 = 4 s
#   latency-faults the same with 2 % transient 500s: ideal = requests made x 50 ms / 50
#   hang           the latency case with 3 ids that never answer (-timeout 2s -retries 1): ideal
#                  = the clean latency case plus one hang (2 attempts of 2 s and a backoff)
#   ratelimit      20,000 ids against a simulator allowing 500 requests/s (429 with
#                  Retry-After beyond it): ideal 40 s; the share of 429s is reported
#   huge           200 ids whose bodies are 7-8 MB (a 7.9 MB detail, 300,000 issues, 40,000
#                  stops), -concurrency 32
#
# Every run is measured by /usr/bin/time -v (Debian package `time`, installed if missing): wall,
# CPU and peak RSS are vxrecon's alone; the simulator is a separate process on the same cores.
# Temporary disk is sampled every 0.2 s: the files in the run's own TMPDIR and beside the
# workbook, and the deleted-but-open files vxrecon holds there (its rows and spill files).
#
# Env: BENCH_CONCURRENCY (default 32), BENCH_KEEP=1 keeps the temporary folder,
# BENCH_ENV="VXRECON_CPUPROFILE=/tmp/cpu.pprof ..." adds variables to every run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"

cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(10000 faults-10000 100000 faults-100000 latency latency-faults hang ratelimit huge)
conc=${BENCH_CONCURRENCY:-32}
for c in "${cases[@]}"; do
  [[ $c =~ ^(faults-)?[0-9]+$ || $c =~ ^(latency|latency-faults|hang|ratelimit|huge)$ ]] ||
    { echo "bench: case $c: see the list at the top of bench/bench.sh" >&2; exit 2; }
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

# start_sim NAME FLAGS...: starts a fresh simulator on a free loopback port (a fault happens on
# an id's first attempt only, so no case may inherit another's); its URL goes in sim_url[NAME].
declare -A sim_url=()
start_sim() {
  local name=$1; shift
  for p in "${sims[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  sims=()
  local out="$tmp/sim-$name.out"
  "$tmp/vxrecon" simulate -addr 127.0.0.1:0 "$@" >"$out" 2>&1 &
  sims+=($!)
  for _ in $(seq 100); do
    local url
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$out" 2>/dev/null | head -1 || true)
    if [ -n "$url" ]; then sim_url[$name]=$url; return 0; fi
    sleep 0.1
  done
  echo "bench: simulator $name did not start:" >&2; cat "$out" >&2; exit 1
}

# ids FILE N [CASE]: a CSV of N ids, sim-pass-* (or sim-CASE-*).
ids() {
  [ -f "$1" ] || awk -v n="$2" -v c="${3:-pass}" 'BEGIN { print "request_id"; for (i = 1; i <= n; i++) printf "sim-%s-%07d\n", c, i }' >"$1"
}

# disk_sampler PID DIR...: prints the most bytes the files in DIRs and vxrecon's deleted-but-open
# files there held at once, sampled every 0.2 s until PID ends.
disk_sampler() {
  local pid=$1; shift
  local peak=0
  while kill -0 "$pid" 2>/dev/null; do
    local now
    now=$( { find "$@" -type f -printf '%s\n' 2>/dev/null
             for fd in /proc/"$pid"/fd/*; do
               l=$(readlink "$fd" 2>/dev/null) || continue
               case "$l" in *"(deleted)") stat -L -c %s "$fd" 2>/dev/null ;; esac
             done; } | awk '{ s += $1 } END { print s + 0 }')
    [ "$now" -gt "$peak" ] && peak=$now
    sleep 0.2
  done
  echo "$peak"
}

secs() { awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }' <<<"$1"; }

declare -A clean_wall=()
results=()
for c in "${cases[@]}"; do
  cc=$conc extra=() simflags=() simname=clean ideal="" n=0 kind=pass
  case $c in
    faults-*) n=${c#faults-} simname=faults simflags=(-fault-rate 0.02) ;;
    latency) n=4000 cc=50 simname=lat simflags=(-latency 50ms) ;;
    latency-faults) n=4000 cc=50 simname=latfaults simflags=(-latency 50ms -fault-rate 0.02) ;;
    hang) n=4000 cc=50 simname=lat simflags=(-latency 50ms) extra=(-timeout 2s -retries 1) ;;
    ratelimit) n=20000 simname=rate simflags=(-rate-limit 500) ideal=40 ;;
    huge) n=200 ;;
    *) n=$c ;;
  esac
  start_sim "$simname" "${simflags[@]}"
  in="$tmp/ids-$c.csv"
  case $c in
    hang) ids "$in" "$n"
          # three ids that never answer, early, in the middle and late
          for k in 100 2000 3900; do sed -i "$((k + 1))s/.*/sim-hang-$k/" "$in"; done ;;
    huge) awk 'BEGIN { print "request_id"; split("bigdetail manyissues manystops", k, " ");
                       for (i = 1; i <= 200; i++) printf "sim-%s-%06d\n", k[i % 3 + 1], i }' >"$in" ;;
    *) ids "$in" "$n" ;;
  esac
  work="$tmp/run-$c" && rm -rf "$work" && mkdir -p "$work/tmp" "$work/out"
  echo "== $c: $n ids, concurrency $cc, simulator ${simflags[*]:-clean}" >&2
  # shellcheck disable=SC2086
  env VXRECON_TOKEN=bench TMPDIR="$work/tmp" ${BENCH_ENV:-} /usr/bin/time -v -o "$work/time.txt" \
    "$tmp/vxrecon" run -input "$in" -out "$work/out/r.xlsx" -base-url "${sim_url[$simname]}" \
    -concurrency "$cc" -progress off -log-format json -max-error-rate 1 \
    -metrics-file "$work/out/m.prom" "${extra[@]}" >"$work/run.out" 2>"$work/run.log" &
  tpid=$!
  sleep 0.05
  vpid=$(pgrep -P "$tpid" -x vxrecon || true)
  disk_sampler "${vpid:-$tpid}" "$work/tmp" "$work/out" >"$work/disk.txt" &
  spid=$!
  wait "$tpid" || { echo "bench: run $c failed:" >&2; tail -5 "$work/run.log" >&2; exit 1; }
  wait "$spid"
  grep -q "total=$n .*status=COMPLETE" "$work/run.out" || {
    echo "bench: run $c: unexpected summary:" >&2; cat "$work/run.out" >&2; exit 1; }
  t="$work/time.txt"
  wall=$(secs "$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$t")")
  user=$(sed -n 's/.*User time (seconds): //p' "$t")
  sys=$(sed -n 's/.*System time (seconds): //p' "$t")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$t")
  disk=$(cat "$work/disk.txt")
  size=$(stat -c %s "$work/out/r.xlsx")
  reqs=$(awk '/^vxrecon_last_run_requests/ { s += $2 } END { print s + 0 }' "$work/out/m.prom")
  r429=$(awk '/^vxrecon_last_run_requests\{code="429"\}/ { print $2 }' "$work/out/m.prom")
  case $c in
    latency|latency-faults) ideal=$(awk -v r="$reqs" 'BEGIN { print r * 0.05 / 50 }') ;;
    hang) ideal=$(awk -v c="${clean_wall[latency]:-4}" 'BEGIN { print c + 4.25 }') ;;
  esac
  [[ $c =~ ^[0-9]+$ || $c == latency ]] && clean_wall[$c]=$wall
  base=${clean_wall[${c#faults-}]:-}
  ratio="-"
  [ -n "$base" ] && [[ $c == faults-* ]] && ratio=$(awk -v b="$base" -v w="$wall" 'BEGIN { printf "%.2f", w / b }')
  eff="-"
  [ -n "$ideal" ] && eff=$(awk -v i="$ideal" -v w="$wall" 'BEGIN { printf "%.3f", i / w }')
  results+=("$(awk -v c="$c" -v n="$n" -v cc="$cc" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v z="$size" \
    -v d="$disk" -v q="$reqs" -v l="${r429:-0}" -v ra="$ratio" -v e="$eff" -v id="${ideal:--}" \
    'BEGIN { printf "| %s | %d | %d | %.2f | %.0f | %s | %s | %s | %.3f | %.0f | %.1f | %.1f | %d | %.1f%% |",
             c, n, cc, w, n / w, ra, id, e, (u + s) * 1000 / n, r / 1024, d / 1048576, z / 1048576, q, 100 * l / (q ? q : 1) }')")
done

echo
echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(go env GOVERSION), $(uname -sr)"
echo
echo "| case | ids | concurrency | wall s | ids/s | wall / clean | ideal s | efficiency | CPU s per 1,000 ids | peak RSS MiB | peak temp disk MiB | workbook MiB | requests | 429s |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
printf '%s\n' "${results[@]}"
