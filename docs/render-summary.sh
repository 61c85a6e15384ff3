#!/usr/bin/env bash
# Renders the Summary sheet of a real demo workbook to docs/summary.png for the README:
# vxrecon demo -> LibreOffice (xlsx -> PDF) -> pdftoppm (first page -> PNG).
# Needs libreoffice-calc and poppler-utils (apt-get install -y libreoffice-calc poppler-utils).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go run . demo -out "$tmp/demo.xlsx" -progress off >/dev/null 2>&1
soffice -env:UserInstallation="file://$tmp/lo-profile" --headless --convert-to pdf \
  --outdir "$tmp" "$tmp/demo.xlsx" >/dev/null 2>&1
# The Summary prints on one landscape page: its tables start about 0.65 in from the left
# and 0.85 in from the top; at 150 dpi, 1,150 × 1,000 pixels hold both of its columns.
pdftoppm -f 1 -l 1 -png -r 150 -x 95 -y 130 -W 1150 -H 1000 "$tmp/demo.pdf" "$tmp/page"
cp "$tmp"/page*.png docs/summary.png
echo "wrote docs/summary.png ($(stat -c %s docs/summary.png) bytes)"
