#!/usr/bin/env bash
# Renders the new Summary blocks of a month-end workbook to docs/aging.png for the README:
# five simulated nights with a ledger (vxrecon simulate -night K, vxrecon run -night), then
# vxrecon report -> LibreOffice (xlsx -> PDF) -> pdftoppm (the blocks under the dashboard).
# Needs libreoffice-calc and poppler-utils (apt-get install -y libreoffice-calc poppler-utils).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
sim=""
trap '[ -n "$sim" ] && kill $sim 2>/dev/null; rm -rf "$tmp"' EXIT
go build -o "$tmp/vxrecon" .
"$tmp/vxrecon" simulate -write-ids "$tmp/ids.csv" -n 400 >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
for k in 0 1 2 3 4; do
  # 220 ids the first night, 20 more each night after: open ids of every age.
  head -n $((221 + k * 20)) "$tmp/ids.csv" |
    awk 'NR == 1 { print $0 ",amount"; next } { printf "%s,%d.%02d\n", $0, 1 + NR % 7, NR % 100 }' >"$tmp/billed.csv"
  "$tmp/vxrecon" simulate -addr "127.0.0.1:$port" -night "$k" >"$tmp/sim.log" 2>&1 &
  sim=$!
  for _ in $(seq 100); do grep -q http "$tmp/sim.log" && break; sleep 0.1; done
  VXRECON_TOKEN=x "$tmp/vxrecon" run -input "$tmp/billed.csv" -out "$tmp/n.xlsx" -base-url "http://127.0.0.1:$port" \
    -ledger "$tmp/ledger.db" -night "2026-11-0$((k * 2 + 1))" -max-error-rate 1 -progress off >/dev/null 2>&1
  kill "$sim"; wait "$sim" 2>/dev/null || true; sim=""
done
"$tmp/vxrecon" report -ledger "$tmp/ledger.db" -from 2026-11-01 -to 2026-11-09 -out "$tmp/month.xlsx" >/dev/null 2>&1
soffice -env:UserInstallation="file://$tmp/lo-profile" --headless --convert-to pdf \
  --outdir "$tmp" "$tmp/month.xlsx" >/dev/null 2>&1
pdftoppm -f 1 -l 1 -png -r 150 "$tmp/month.pdf" "$tmp/page"
cp "$tmp"/page*.png "$tmp/full.png"
# The blocks sit under the dashboard, from "Open items by age" down to the runs, with the
# nights' chart at their right.
pdftoppm -f 1 -l 1 -png -r 150 -x "${X:-95}" -y "${Y:-790}" -W "${W:-1400}" -H "${H:-300}" "$tmp/month.pdf" "$tmp/crop"
cp "$tmp"/crop*.png docs/aging.png
[ -z "${FULL:-}" ] || cp "$tmp/full.png" "$FULL"
echo "wrote docs/aging.png ($(stat -c %s docs/aging.png) bytes)"
