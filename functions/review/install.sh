#!/bin/sh
# Everything that goes into the review function's image, in one script: its Dockerfile
# runs it (`COPY . /opt/build/` then `RUN sh /opt/build/functions/review/install.sh`), and
# `make image-check` runs this same script in a chroot of a debootstrapped bookworm root,
# with the same sources at the same path and the same environment (Docker's default PATH
# and HOME=/root; nothing else). Run as root on debian:bookworm-slim. It leaves:
#
#   /opt/venv          Debian's Python 3.11 in a venv: the review path's pinned requirements
#                      beside this file (--no-deps) and medextract without its reader's
#                      dependencies; no pip, no setuptools (nothing installs at run time)
#   /var/task          the handlers (functions/), bytecode compiled (Lambda's root is
#                      read-only)
#
# No OCR layer, no OpenCV, numpy or onnxruntime: the review API types a reviewer's value
# with the form's normalisers, which import none of the reader. Nothing of the build stays:
# /opt/build, apt's lists and pip's caches are gone.
set -eu

BUILD=/opt/build # the Dockerfile's COPY destination: the build context (.dockerignore)
VENV=/opt/venv
TASK=/var/task
if [ "$0" != "$BUILD/functions/review/install.sh" ]; then
    echo "install.sh: run as sh $BUILD/functions/review/install.sh (it removes $BUILD)" >&2
    exit 64
fi
export DEBIAN_FRONTEND=noninteractive
umask 022 # files as Docker's build leaves them, whoever runs this

# Python: Debian's python3 3.11 in a venv.
apt-get update -qq
apt-get install -y -qq --no-install-recommends 'python3=3.11.2-1*' 'python3-venv=3.11.2-1*'
apt-get clean
rm -rf /var/lib/apt/lists/*
python3 -m venv "$VENV"

# The pinned requirements (the whole set: --no-deps), then medextract without its reader's
# dependencies (`pip check` would name them): the handler's import below proves the review
# path needs nothing more.
"$VENV/bin/pip" install --no-cache-dir --no-deps -q -r "$BUILD/functions/review/requirements.txt"
"$VENV/bin/pip" install --no-cache-dir --no-deps -q "$BUILD"

mkdir -p "$TASK/functions"
for function in "$BUILD"/functions/*/; do
    cp -R "$function" "$TASK/functions/"
done
rm -f "$TASK"/functions/*/install.sh
(cd "$TASK" && "$VENV/bin/python" -c 'import functions.review.app')

# Nothing installs at run time: pip and setuptools leave. Then the bytecode.
"$VENV/bin/pip" uninstall -y -q pip setuptools
"$VENV/bin/python" -m compileall -q "$TASK"
rm -rf "$BUILD"
