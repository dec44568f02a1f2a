#!/usr/bin/env bash
# Renders icons/sciagents-studio.svg into the committed hicolor PNGs (icons/hicolor/SIZExSIZE/...)
# and the Windows .ico. Run after editing the SVG; needs rsvg-convert (librsvg2-bin) and, for the
# .ico, Python 3 (an .ico holding PNG images needs no image library).
set -euo pipefail
cd "$(dirname "$0")/icons"
sizes=(16 22 24 32 48 64 128 256 512)
for s in "${sizes[@]}"; do
  mkdir -p "hicolor/${s}x${s}/apps"
  rsvg-convert -w "$s" -h "$s" sciagents-studio.svg -o "hicolor/${s}x${s}/apps/sciagents-studio.png"
done
# Windows icon: 16, 32, 48 and 256 px PNG entries (Vista+ format).
python3 - <<'PY'
import struct
sizes = [16, 32, 48, 256]
blobs = [open(f"hicolor/{s}x{s}/apps/sciagents-studio.png", "rb").read() for s in sizes]
out = struct.pack("<HHH", 0, 1, len(sizes))
offset = 6 + 16 * len(sizes)
for s, b in zip(sizes, blobs):
    out += struct.pack("<BBBBHHII", s % 256, s % 256, 0, 0, 1, 32, len(b), offset)
    offset += len(b)
open("sciagents-studio.ico", "wb").write(out + b"".join(blobs))
PY
echo "rendered ${#sizes[@]} PNG sizes and sciagents-studio.ico"
