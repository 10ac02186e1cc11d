#!/usr/bin/env bash
# Rebuilds the five bundled fonts fonts/Gongwen*.ttf, fonts/LICENSES/ and checks
# fonts/charset/tygf8105.txt, from registry packages only (Debian + npm + PyPI):
#
#   GongwenTitle.ttf     <- Noto Serif SC Bold     (npm @expo-google-fonts/noto-serif-sc)
#   GongwenFangSong.ttf  <- FandolFang Regular     (Debian texlive-lang-chinese), CFF -> glyf,
#                           outlines simplified within 2 font units (README "Outline size")
#   GongwenHei.ttf       <- Noto Sans SC Regular   (npm @expo-google-fonts/noto-sans-sc)
#   GongwenKai.ttf       <- LXGW WenKai Regular    (Debian fonts-lxgw-wenkai)
#   GongwenSong.ttf      <- Noto Serif SC Regular  (npm @expo-google-fonts/noto-serif-sc)
#
# Each font is subset (pyftsubset) to the character set described in fonts/README.md,
# renamed (family "Gongwen …"), stripped of hinting and of tables no PDF/DOCX needs.
# Downloads and intermediate files live in a temporary directory that is removed on exit;
# only the files above are written into the repository. Safe to run again (idempotent,
# the output is byte-for-byte the same for the same package versions).
#
# Usage: fonts/build-fonts.sh            (needs: apt-get, dpkg-deb, npm, python3; root or
#                                          sudo only if `apt-get update` is needed)
set -euo pipefail

FONTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NPM_VERSION="0.4.3"        # @expo-google-fonts/noto-{serif,sans}-sc
FONTTOOLS_VERSION="4.68.0"  # installed only when python3 has no fontTools
DEBS=(texlive-lang-chinese fonts-lxgw-wenkai unicode-data)

WORK="$(mktemp -d "${TMPDIR:-/tmp}/gongwen-fonts.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
START=$(date +%s)
log() { printf '[build-fonts %3ss] %s\n' "$(( $(date +%s) - START ))" "$*" >&2; }

# --- 1. Debian packages ------------------------------------------------------------------
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
mkdir -p "$WORK/debs" && chmod 777 "$WORK/debs"   # apt's _apt user writes here
log "apt-get download ${DEBS[*]}"
if ! (cd "$WORK/debs" && apt-get download -q "${DEBS[@]}" >/dev/null 2>&1); then
    log "apt-get download failed; running apt-get update and retrying"
    as_root apt-get update -q >/dev/null
    (cd "$WORK/debs" && apt-get download -q "${DEBS[@]}" >/dev/null)
fi
for deb in "$WORK"/debs/*.deb; do
    name=$(basename "$deb"); name=${name%%_*}
    mkdir -p "$WORK/ext/$name"
    dpkg-deb -x "$deb" "$WORK/ext/$name"
done
DEB_VERSIONS=$(cd "$WORK/debs" && ls -1 *.deb)

# --- 2. npm packages ---------------------------------------------------------------------
log "npm pack @expo-google-fonts/noto-serif-sc@$NPM_VERSION noto-sans-sc@$NPM_VERSION"
mkdir -p "$WORK/npm"
(cd "$WORK/npm" && npm pack --silent \
    "@expo-google-fonts/noto-serif-sc@$NPM_VERSION" \
    "@expo-google-fonts/noto-sans-sc@$NPM_VERSION" >/dev/null)
for style in serif sans; do
    mkdir -p "$WORK/$style"
    tar xzf "$WORK"/npm/expo-google-fonts-noto-$style-sc-*.tgz -C "$WORK/$style"
done

# --- 3. fontTools (pip) ------------------------------------------------------------------
PY=python3
if ! "$PY" -c 'import fontTools.subset, fontTools.pens.cu2quPen' 2>/dev/null; then
    log "fontTools missing: pip install fonttools"
    if python3 -m venv "$WORK/venv" 2>/dev/null; then
        "$WORK/venv/bin/pip" install -q "fonttools==$FONTTOOLS_VERSION"
        PY="$WORK/venv/bin/python"
    else  # no venv module (Debian without python3-venv): user site-packages
        python3 -m pip install -q --user "fonttools==$FONTTOOLS_VERSION" \
            || python3 -m pip install -q --user --break-system-packages "fonttools==$FONTTOOLS_VERSION"
    fi
fi
log "using $("$PY" -c 'import fontTools; print("fontTools", fontTools.version)')"

TL="$WORK/ext/texlive-lang-chinese"
LX="$WORK/ext/fonts-lxgw-wenkai"
FANDOL_DIR="$TL/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol"
FANDOL_DOC="$TL/usr/share/doc/texlive-doc/fonts/fandol"
LXGW_TTF="$LX/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"
LXGW_COPYRIGHT="$LX/usr/share/doc/fonts-lxgw-wenkai/copyright"
UNIHAN_OTHER="$WORK/ext/unicode-data/usr/share/unicode/Unihan_OtherMappings.txt.bz2"

# --- 4. Python helpers (charset, rename, CFF->glyf, report) -------------------------------
cat > "$WORK/gongwen_fonts.py" <<'PY'
"""Helpers for fonts/build-fonts.sh: character set, renaming, CFF->glyf, verification."""
import bz2
import math
import sys
from pathlib import Path

from fontTools.pens.filterPen import ContourFilterPen

TGH_HEADER = (
    "# 通用规范汉字表 (General Standard Chinese Characters Table, 2013): 8105 characters\n"
    "# in table order (1-3500 level 1, 3501-6500 level 2, 6501-8105 level 3).\n"
    "# Generated from the Unicode Unihan database field kTGH (Unihan_OtherMappings.txt,\n"
    "# Debian package unicode-data) by fonts/build-fonts.sh. Columns: number, code point, char.\n"
)


def read_tgh_from_unihan(path):
    rows = []
    with bz2.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("U+") and "\tkTGH\t" in line:
                cp, _, value = line.rstrip("\n").split("\t")
                for item in value.split():
                    _year, number = item.split(":")
                    rows.append((int(number), int(cp[2:], 16)))
    rows.sort()
    assert [n for n, _ in rows] == list(range(1, 8106)), "kTGH is not a 1..8105 list"
    return rows


def format_tgh(rows):
    return TGH_HEADER + "".join(f"{n}\tU+{cp:04X}\t{chr(cp)}\n" for n, cp in rows)


def read_tgh(path):
    """Code points of the committed fonts/charset/tygf8105.txt."""
    cps = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            cps.append(int(line.split("\t")[1][2:], 16))
    return cps


def gb2312_chars():
    """(all GB2312 characters, the 6763 hanzi) decoded with Python's gb2312 codec."""
    every, hanzi = [], []
    for row in range(0xA1, 0xF8):
        for col in range(0xA1, 0xFF):
            try:
                ch = bytes([row, col]).decode("gb2312")
            except UnicodeDecodeError:
                continue
            every.append(ord(ch))
            if row >= 0xB0:
                hanzi.append(ord(ch))
    return every, hanzi


# Blocks kept besides GB2312 and the 8105 list (see fonts/README.md).
BLOCKS = [
    (0x0020, 0x007E, "ASCII"),
    (0x00A0, 0x00FF, "Latin-1 Supplement"),
    (0x0100, 0x017F, "Latin Extended-A"),
    (0x2000, 0x206F, "General Punctuation"),
    (0x2100, 0x214F, "Letterlike Symbols"),
    (0x2190, 0x21FF, "Arrows"),
    (0x2460, 0x24FF, "Enclosed Alphanumerics (①-⑳)"),
    (0x2500, 0x257F, "Box Drawing"),
    (0x25A0, 0x25FF, "Geometric Shapes (□ ■ ○ ●)"),
    (0x2700, 0x27BF, "Dingbats (✂)"),
    (0x3000, 0x303F, "CJK Symbols and Punctuation (〔〕「」《》、。)"),
    (0xFF00, 0xFFEF, "Halfwidth and Fullwidth Forms"),
]


def cmd_charset(unihan, tgh_file, out):
    rows = read_tgh_from_unihan(unihan)
    expected = format_tgh(rows)
    tgh = Path(tgh_file)
    if not tgh.exists():
        tgh.parent.mkdir(parents=True, exist_ok=True)
        tgh.write_text(expected, encoding="utf-8")
        print(f"wrote {tgh}", file=sys.stderr)
    elif tgh.read_text(encoding="utf-8") != expected:
        sys.exit(f"{tgh} differs from Unihan kTGH in {unihan}; delete it to regenerate")
    every, _ = gb2312_chars()
    cps = set(every) | set(read_tgh(tgh))
    for lo, hi, _name in BLOCKS:
        cps.update(range(lo, hi + 1))
    Path(out).write_text("".join(f"{cp:04X}\n" for cp in sorted(cps)))
    print(f"character set: {len(cps)} code points", file=sys.stderr)


# CFF -> glyf tolerances, in font units (FandolFang has 1000 units per em; 1 unit is
# 0.016 pt at 16 pt, 1/15 pixel at 300 dpi). See fonts/README.md "Outline size".
STRAIGHTEN_TOLERANCE = 2.0  # a cubic whose control points are this close to its chord -> line
CU2QU_MAX_ERR = 1.0         # cubic -> quadratic approximation error
IMPLIED_TOLERANCE = 1.0     # on-curve point this close to its off-curve neighbours' midpoint -> implied


def _distance_to_segment(p, a, b):
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def _on_curve_count(contour):
    return sum(1 for op, args in contour if op in ("moveTo", "lineTo", "curveTo"))


class StraightenPen(ContourFilterPen):
    """Cubic outlines: draws a nearly straight curve as a line, and merges consecutive lines
    while every vertex they pass through stays within `tolerance` of the merged line.
    FandolFang draws long strokes as chains of short, almost straight cubics; as lines they
    cost one TrueType point each instead of two or three."""

    def __init__(self, out_pen, tolerance):
        super().__init__(out_pen)
        self.tolerance = tolerance

    def filterContour(self, contour):
        if contour[0][0] != "moveTo" or contour[-1][0] != "closePath":
            return contour
        start = current = contour[0][1][0]
        out = [contour[0]]
        line_vertices = None  # vertices of the line run ending in out[-1], if it is a line
        for op, args in contour[1:-1]:
            end = args[-1]
            straight = op == "lineTo" or (
                op == "curveTo"
                and all(_distance_to_segment(c, current, end) <= self.tolerance for c in args[:-1]))
            if not straight:
                out.append((op, args))
                line_vertices = None
            elif line_vertices and all(
                    _distance_to_segment(v, line_vertices[0], end) <= self.tolerance
                    for v in line_vertices[1:]):
                line_vertices.append(end)
                out[-1] = ("lineTo", (end,))
            else:
                out.append(("lineTo", (end,)))
                line_vertices = [current, end]
            current = end
        out.append(contour[-1])
        return out if _on_curve_count(out) >= 3 else contour


class ImpliedOnCurvePen(ContourFilterPen):
    """Quadratic outlines: joins two consecutive qCurveTo runs into one when the on-curve
    point between them lies within `tolerance` of the midpoint of its two off-curve
    neighbours, so TrueType implies that point instead of storing it."""

    def __init__(self, out_pen, tolerance):
        super().__init__(out_pen)
        self.tolerance = tolerance

    def filterContour(self, contour):
        out = contour[:1]
        for op, args in contour[1:]:
            prev_op, prev_args = out[-1]
            if op == "qCurveTo" and prev_op == "qCurveTo" and len(prev_args) >= 2 and len(args) >= 2:
                (ax, ay), (px, py), (bx, by) = prev_args[-2], prev_args[-1], args[0]
                if math.hypot(px - (ax + bx) / 2, py - (ay + by) / 2) <= self.tolerance:
                    out[-1] = ("qCurveTo", prev_args[:-1] + args)
                    continue
            out.append((op, args))
        return out


def quadratic_glyph(glyph):
    """One CFF glyph redrawn as a TrueType glyf glyph, within the tolerances above."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    tt_pen = TTGlyphPen(None)
    glyph.draw(StraightenPen(
        Cu2QuPen(ImpliedOnCurvePen(tt_pen, IMPLIED_TOLERANCE),
                 max_err=CU2QU_MAX_ERR, reverse_direction=True),
        STRAIGHTEN_TOLERANCE))
    return tt_pen.glyph(dropImpliedOnCurves=True)


def otf_to_ttf(font):
    """CFF outlines -> TrueType glyf (as fontTools' Snippets/otf2ttf.py, plus the outline
    simplification of quadratic_glyph)."""
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    quads = {name: quadratic_glyph(glyph_set[name]) for name in order}
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = quads
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, g in glyf.glyphs.items():
        if hasattr(g, "xMin"):
            hmtx[name] = (hmtx[name][0], g.xMin)
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 0)
    maxp.compile(font)
    post = font["post"]
    post.formatType = 3.0  # no glyph names: nothing downstream needs them
    post.extraNames, post.mapping = [], {}
    font.sfntVersion = "\x00\x01\x00\x00"


RENAMED_IDS = (1, 3, 4, 6, 16, 17)


def rename(font, family):
    """Family/full/PostScript/unique names -> `family` in every platform and language.
    Copyright, licence and the other records are kept as they are."""
    name = font["name"]
    style = name.getDebugName(2) or "Regular"
    version = (name.getDebugName(5) or "").split(";")[0].replace("Version ", "")
    postscript = family.replace(" ", "") + "-" + style.replace(" ", "")
    values = {
        1: family,
        4: family if style == "Regular" else f"{family} {style}",
        6: postscript,
        3: f"{version};GONGWEN;{postscript}",
        16: family,
        17: style,
    }
    for record in name.names:
        if record.nameID in values:
            record.string = values[record.nameID]


def cmd_finish(subset_path, source_path, family, out_path):
    from fontTools.ttLib import TTFont

    source_modified = TTFont(source_path, lazy=True)["head"].modified
    font = TTFont(subset_path, recalcTimestamp=False)
    if "CFF " in font:
        otf_to_ttf(font)
    rename(font, family)
    font["head"].modified = source_modified  # reproducible output
    font.save(out_path, reorderTables=True)


FORBIDDEN_IN_KAI = ("LXGW", "霞鹜")


def cmd_report(tgh_file, *fonts):
    from fontTools.ttLib import TTFont

    _, gb_hanzi = gb2312_chars()
    tgh = read_tgh(tgh_file)
    failures = []
    print("| file | MiB | glyphs | outlines | family | GB2312 hanzi /6763 | 8105 list | □ | ✂ |")
    print("|---|---|---|---|---|---|---|---|---|")
    for path in fonts:
        font = TTFont(path)
        cmap = font.getBestCmap()
        family = font["name"].getDebugName(1)
        gb = sum(cp in cmap for cp in gb_hanzi)
        t = sum(cp in cmap for cp in tgh)
        size = Path(path).stat().st_size / 2**20
        kind = "glyf" if "glyf" in font else "CFF"
        print(f"| {Path(path).name} | {size:.2f} | {font['maxp'].numGlyphs} | {kind} | {family} "
              f"| {gb} | {t}/{len(tgh)} | {'yes' if 0x25A1 in cmap else 'no'} "
              f"| {'yes' if 0x2702 in cmap else 'no'} |")
        if gb != len(gb_hanzi):
            failures.append(f"{path}: GB2312 hanzi {gb}/{len(gb_hanzi)}")
        if kind != "glyf" or not family.startswith("Gongwen "):
            failures.append(f"{path}: {kind} outlines, family {family!r}")
        for record in font["name"].names:
            text = record.toUnicode()
            if record.nameID in RENAMED_IDS and "Gongwen" not in text:
                failures.append(f"{path}: name {record.nameID} not renamed: {text!r}")
            # OFL: a Reserved Font Name may not be the name of a modified font; the
            # copyright notice (ID 0) must be kept verbatim and names its holder.
            if record.nameID != 0 and any(w in text for w in FORBIDDEN_IN_KAI):
                failures.append(f"{path}: reserved name in name ID {record.nameID}: {text!r}")
    if failures:
        sys.exit("\n".join(failures))


if __name__ == "__main__":
    commands = {"charset": cmd_charset, "finish": cmd_finish, "report": cmd_report}
    commands[sys.argv[1]](*sys.argv[2:])
PY
helper() { "$PY" "$WORK/gongwen_fonts.py" "$@"; }

# --- 5. Character set (GB2312 + 8105 list + symbol blocks) ----------------------------
log "character set (fonts/charset/tygf8105.txt checked against Unihan kTGH)"
helper charset "$UNIHAN_OTHER" "$FONTS_DIR/charset/tygf8105.txt" "$WORK/unicodes.txt"

# --- 6. Subset, convert, rename ----------------------------------------------------------
# role file : source : new family
JOBS=(
    "GongwenTitle.ttf|$WORK/serif/package/700Bold/NotoSerifSC_700Bold.ttf|Gongwen Title"
    "GongwenFangSong.ttf|$FANDOL_DIR/FandolFang-Regular.otf|Gongwen FangSong"
    "GongwenHei.ttf|$WORK/sans/package/400Regular/NotoSansSC_400Regular.ttf|Gongwen Hei"
    "GongwenKai.ttf|$LXGW_TTF|Gongwen Kai"
    "GongwenSong.ttf|$WORK/serif/package/400Regular/NotoSerifSC_400Regular.ttf|Gongwen Song"
)
mkdir -p "$WORK/out"
for job in "${JOBS[@]}"; do
    IFS='|' read -r file source family <<<"$job"
    log "$file <- $(basename "$source") ($family)"
    "$PY" -m fontTools.subset "$source" \
        --unicodes-file="$WORK/unicodes.txt" \
        --layout-features='*' --notdef-outline --no-hinting \
        --name-IDs=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,16,17 --name-languages='*' \
        --drop-tables+=STAT,vhea,vmtx,VORG,gasp,hdmx,VDMX,LTSH,DSIG \
        --output-file="$WORK/subset-$file"
    helper finish "$WORK/subset-$file" "$source" "$family" "$WORK/out/$file"
done

# --- 7. Verify, then install into the repository ----------------------------------------
log "verifying"
(cd "$WORK/out" && helper report "$FONTS_DIR/charset/tygf8105.txt" Gongwen*.ttf) | tee "$WORK/report.md"
cp "$WORK"/out/Gongwen*.ttf "$FONTS_DIR/"

mkdir -p "$FONTS_DIR/LICENSES"
cp "$WORK/serif/package/LICENSE_FONT" "$FONTS_DIR/LICENSES/NotoSerifSC-OFL.txt"
cp "$WORK/sans/package/LICENSE_FONT" "$FONTS_DIR/LICENSES/NotoSansSC-OFL.txt"
cp "$LXGW_COPYRIGHT" "$FONTS_DIR/LICENSES/LXGWWenKai-debian-copyright.txt"
{   # The OFL text of LXGW WenKai, un-indented from the Debian copyright file.
    echo "Copyright 2021-2023 LXGW (https://github.com/lxgw/LxgwWenKai),"
    echo "with Reserved Font Names \"霞鹜\" and \"LXGW\"."
    echo "Copyright 2020 The Klee Project Authors (https://github.com/fontworks-fonts/Klee)"
    echo
    awk 'prev == "" && $0 == "License: OFL-1.1" { on = 1; prev = $0; next }
         on && !/^ / { on = 0 }
         on { sub(/^ \.$/, ""); sub(/^ /, ""); print }
         { prev = $0 }' "$LXGW_COPYRIGHT"
} > "$FONTS_DIR/LICENSES/LXGWWenKai-OFL.txt"
cp "$FANDOL_DOC/README" "$FONTS_DIR/LICENSES/Fandol-README.txt"
gunzip -c "$FANDOL_DOC/COPYING.gz" > "$FONTS_DIR/LICENSES/Fandol-COPYING.txt"

log "done: packages used:"
printf '  %s\n' $DEB_VERSIONS "$(cd "$WORK/npm" && ls -1 *.tgz | tr '\n' ' ')" >&2
log "build finished in $(( $(date +%s) - START )) s"
