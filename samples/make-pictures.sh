#!/usr/bin/env bash
# Redraw the README's pictures from the current code with `gongwen preview` (our own page
# rasterizer, the same layout the PDFs use; no poppler needed): at 60 dpi, the letter of
# 协作函〔2026〕3号 (all pages), its application form and the first page of its task list,
# 协作函〔2026〕1号's communication record and 协作函〔2026〕3号's process record (first pages)
# into samples/*.png.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
gongwen=target/release/gongwen
book=samples/requests.xlsx
id="协作函〔2026〕3号"
rm -f samples/letter-*.png samples/application-*.png samples/tasks-*.png samples/communication-*.png samples/process-*.png
"$gongwen" preview "$book" --form 工作联系函 --id "$id" --to 采购中心 --dpi 60 -o samples/letter.png
"$gongwen" preview "$book" --form 协作需求申请表 --id "$id" --page 1 --dpi 60 -o samples/application-1.png
"$gongwen" preview "$book" --form 协作任务拆分清单 --id "$id" --page 1 --dpi 60 -o samples/tasks-1.png
"$gongwen" preview "$book" --form 跨部门沟通记录表 --id "协作函〔2026〕1号" --page 1 --dpi 60 -o samples/communication-1.png
"$gongwen" preview "$book" --form 协作流程记录表 --id "$id" --page 1 --dpi 60 -o samples/process-1.png
ls samples/*.png
