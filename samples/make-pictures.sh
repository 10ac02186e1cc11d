#!/usr/bin/env bash
# Redraw the README's pictures from the current code: generate the sample workbook's documents
# and render, at 60 dpi, the letter of 协作函〔2026〕3号 (all pages), its application form and the
# first page of its task list, 协作函〔2026〕1号's communication record and 协作函〔2026〕3号's process
# record (first pages) into samples/*.png. Needs pdftoppm (poppler-utils).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cargo run --release --quiet -- generate samples/requests.xlsx -o "$tmp" --format pdf
id="协作函〔2026〕3号"
rm -f samples/letter-*.png samples/application-*.png samples/tasks-*.png samples/communication-*.png samples/process-*.png
pdftoppm -r 60 -png "$tmp/${id}_采购中心_工作联系函.pdf" samples/letter
pdftoppm -r 60 -png -f 1 -l 1 "$tmp/${id}_协作需求申请表.pdf" samples/application
pdftoppm -r 60 -png -f 1 -l 1 "$tmp/${id}_协作任务拆分清单.pdf" samples/tasks
pdftoppm -r 60 -png -f 1 -l 1 "$tmp/协作函〔2026〕1号_跨部门沟通记录表.pdf" samples/communication
pdftoppm -r 60 -png -f 1 -l 1 "$tmp/${id}_协作流程记录表.pdf" samples/process
ls samples/*.png
