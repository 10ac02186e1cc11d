#!/usr/bin/env bash
# Redraw the README's pictures from the current code: generate the sample workbook's documents
# and render, at 60 dpi, the letter of 协作函〔2026〕3号 (all pages), its application form and the
# first page of its task list into samples/*.png. Needs pdftoppm (poppler-utils).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cargo run --release --quiet -- generate samples/requests.xlsx -o "$tmp" --format pdf
id="协作函〔2026〕3号"
rm -f samples/letter-*.png samples/application-*.png samples/tasks-*.png
pdftoppm -r 60 -png "$tmp/${id}_采购中心_工作联系函.pdf" samples/letter
pdftoppm -r 60 -png -f 1 -l 1 "$tmp/${id}_协作需求申请表.pdf" samples/application
pdftoppm -r 60 -png -f 1 -l 1 "$tmp/${id}_协作任务拆分清单.pdf" samples/tasks
ls samples/*.png
