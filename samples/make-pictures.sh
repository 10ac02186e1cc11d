#!/usr/bin/env bash
# Redraw the README's pictures from the current code: generate the sample, render the letter
# of 协作函〔2026〕3号 at 60 dpi into samples/letter-N.png. Needs pdftoppm (poppler-utils).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
cargo run --release --quiet -- generate samples/requests.xlsx -o "$tmp" --format pdf
pdftoppm -r 60 -png "$tmp/协作函〔2026〕3号_采购中心_工作联系函.pdf" samples/letter
rm -rf "$tmp"
ls samples/*.png
