#!/usr/bin/env bash
# Rebuilds the bundled fallback fonts (the *.ttf.z files beside this script) from Debian 12's
# font packages: each is the packaged .ttf byte for byte, zlib-compressed at level 9. Needs
# apt-get, dpkg-deb and python3. SHA256SUMS holds the uncompressed files' hashes, which
# `cargo test` checks against what the app decompresses.
set -euo pipefail
cd "$(dirname "$0")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download -qq fonts-noto-core=20201225-1 fonts-droid-fallback=1:6.0.1r16-1.1 \
    && for deb in *.deb; do dpkg-deb -x "$deb" x; done)
noto="$work/x/usr/share/fonts/truetype/noto"
fonts=(
    "$noto/NotoSans-Regular.ttf"
    "$noto/NotoSansArabic-Regular.ttf"
    "$noto/NotoSansHebrew-Regular.ttf"
    "$noto/NotoSansDevanagari-Regular.ttf"
    "$noto/NotoSansThai-Regular.ttf"
    "$noto/NotoSansArmenian-Regular.ttf"
    "$noto/NotoSansGeorgian-Regular.ttf"
    "$work/x/usr/share/fonts-droid-fallback/truetype/DroidSansFallback.ttf"
)
: > SHA256SUMS
for font in "${fonts[@]}"; do
    name="$(basename "$font")"
    python3 -c 'import sys, zlib; sys.stdout.buffer.write(zlib.compress(open(sys.argv[1], "rb").read(), 9))' \
        "$font" > "$name.z"
    (cd "$(dirname "$font")" && sha256sum "$name") >> SHA256SUMS
done
ls -l ./*.ttf.z
