#!/bin/sh
# The OCR layer of the extract function's image: Tesseract 5.3.0 with English
# data and poppler-utils (pdftoppm/pdfinfo for pdf2image), all from Debian 12
# (bookworm). Run as root on a bookworm system; the extract
# function's install script (functions/extract/install.sh) runs it, in its
# Dockerfile's build and in `make image-check`'s debootstrapped root alike. See
# README.md beside this file.
#
# Pins: the upstream version is fixed; the trailing `*` lets a Debian security
# revision (`+deb12uN`) through, because a mirror only carries a suite's latest
# revision and poppler parses untrusted PDFs. A new upstream version is a
# deliberate edit here.
set -eu

TESSERACT_VERSION='5.3.0-2*'
TESSDATA_VERSION='1:4.1.0-2*'
POPPLER_VERSION='22.12.0-2*'

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
    "tesseract-ocr=$TESSERACT_VERSION" \
    "libtesseract5=$TESSERACT_VERSION" \
    "tesseract-ocr-eng=$TESSDATA_VERSION" \
    "poppler-utils=$POPPLER_VERSION"
apt-get clean
rm -rf /var/lib/apt/lists/*

# Fail the build, not the first invocation, if the layer is unusable.
tesseract --version >/dev/null
langs="$(tesseract --list-langs 2>/dev/null)"
for lang in eng; do
    printf '%s\n' "$langs" | grep -qx "$lang" || {
        echo "install.sh: tesseract has no '$lang' data" >&2
        exit 1
    }
done
pdftoppm -v >/dev/null 2>&1
dpkg-query -W -f='${Package} ${Version}\n' \
    tesseract-ocr libtesseract5 tesseract-ocr-eng poppler-utils
