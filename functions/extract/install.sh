#!/bin/sh
# Everything that goes into the extract function's image, in one script: its Dockerfile
# runs it (`COPY . /opt/build/` then `RUN sh /opt/build/functions/extract/install.sh`), and
# `make image-check` runs this same script in a chroot of a debootstrapped bookworm root,
# with the same sources at the same path and the same environment (Docker's default PATH
# and HOME=/root; nothing else). Run as root on debian:bookworm-slim. It leaves:
#
#   the OCR layer      tesseract 5.3.0 + eng data, poppler-utils (layers/tesseract/)
#   /opt/venv          Debian's Python 3.11 in a venv: the pinned requirements beside this
#                      file (--no-deps, then `pip check`), medextract itself (its CLI too),
#                      Debian's tesserocr module, the second reader's PP-OCRv6 models (in
#                      rapidocr's wheel); no pip, no setuptools (nothing installs at run time)
#   /var/task          the handlers (functions/), bytecode compiled (Lambda's root is
#                      read-only)
#
# and nothing of the build: /opt/build, apt's lists and pip's caches are gone.
set -eu

BUILD=/opt/build # the Dockerfile's COPY destination: the build context (.dockerignore)
VENV=/opt/venv
TASK=/var/task
if [ "$0" != "$BUILD/functions/extract/install.sh" ]; then
    echo "install.sh: run as sh $BUILD/functions/extract/install.sh (it removes $BUILD)" >&2
    exit 64
fi
export DEBIAN_FRONTEND=noninteractive
umask 022 # files as Docker's build leaves them, whoever runs this

# The OCR layer: tesseract, its eng data, poppler (pinned, and checked, there).
sh "$BUILD/layers/tesseract/install.sh"

# Python: Debian's python3 3.11, from the same archive as the OCR layer, in a venv.
# tesserocr, the binding the OCR adapter drives tesseract's library through, is Debian's
# build on the layer's libtesseract5 (0.4 MB; PyPI's wheel carries its own tesseract 5.5,
# which reads other words than the 5.3 executable): only its module is linked into the
# venv, not the rest of Debian's dist-packages. wamerican: the word list the core reads.
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
    'python3=3.11.2-1*' 'python3-venv=3.11.2-1*' 'wamerican=2020.12.07-2*' \
    'python3-tesserocr=2.5.2-2*'
apt-get clean
rm -rf /var/lib/apt/lists/*
python3 -m venv "$VENV"
ln -s /usr/lib/python3/dist-packages/tesserocr.cpython-311-*.so \
    "$VENV/lib/python3.11/site-packages/"
"$VENV/bin/python" -c 'import tesserocr'

# The pinned requirements (the whole set: --no-deps), then medextract; `pip check` proves
# the pins cover everything it needs.
"$VENV/bin/pip" install --no-cache-dir --no-deps -q -r "$BUILD/functions/extract/requirements.txt"
"$VENV/bin/pip" install --no-cache-dir --no-deps -q "$BUILD"
"$VENV/bin/pip" check

# The second reader's models come inside rapidocr's wheel: fail the build, not the first
# page that needs them, if a release stops shipping them.
models="$("$VENV/bin/python" -c 'import importlib.util, pathlib
print(pathlib.Path(importlib.util.find_spec("rapidocr").origin).parent / "models")')"
for model in PP-OCRv6_det_small.onnx PP-OCRv6_rec_small.onnx; do
    [ -s "$models/$model" ] || {
        echo "install.sh: the second reader's model $model is not in rapidocr's wheel" >&2
        exit 1
    }
done

# The handlers; the extract handler must import (its heavy modules wait for the first event).
mkdir -p "$TASK/functions"
for function in "$BUILD"/functions/*/; do
    cp -R "$function" "$TASK/functions/"
done
rm -f "$TASK"/functions/*/install.sh
(cd "$TASK" && "$VENV/bin/python" -c 'import functions.extract.app')

# Nothing installs at run time: pip and setuptools leave (23 MB). Then the bytecode.
"$VENV/bin/pip" uninstall -y -q pip setuptools
"$VENV/bin/python" -m compileall -q "$TASK"
rm -rf "$BUILD"
