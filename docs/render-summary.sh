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
pdftoppm -f 1 -l 1 -png -r 100 -x 55 -y 80 -W 800 -H 680 "$tmp/demo.pdf" "$tmp/page"
cp "$tmp"/page*.png docs/summary.png
echo "wrote docs/summary.png ($(stat -c %s docs/summary.png) bytes)"
