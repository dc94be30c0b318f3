#!/usr/bin/env bash
# Fill the carried folder that bench/device/run_on_device.sh reads (run here, on the project's machine,
# with the shared venv; the lent machine has no registry and no espeak-ng):
#   site.tar.xz       cp312 manylinux packages the lent machine lacks, installed into one folder and
#                     xz-compressed (ctranslate2's wheel is 43 MB zipped, 25 MB as xz: the call carries 64 MiB)
#   wheels/           small cp312 wheels installed there with pip (websockets, for the e2e clients)
#   tokenizer.json.xz Whisper's multilingual tokenizer (needs openai-whisper: build_models.py --export-tokenizer)
#   speech/           the e2e WAVs (espeak-ng + sox, through bench/_e2e_stack.py's cache)
#
#   bash bench/device/prepare_carry.sh /work/main/.device
set -euo pipefail
cd "$(dirname "$0")/../.."
DEST=${1:?usage: prepare_carry.sh DEST}
PY=${PYTHON:-/work/main/.venv/bin/python}
mkdir -p "$DEST/wheels" "$DEST/speech"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
PLATFORMS=(--python-version 3.12 --implementation cp --only-binary=:all: --platform manylinux_2_28_x86_64
           --platform manylinux_2_27_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64
           --platform manylinux_2_5_x86_64 --platform manylinux1_x86_64)
version() { "$PY" -m pip show "$1" 2>/dev/null | awk '/^Version/{print $2}'; }
PACKAGES=(ctranslate2 faster-whisper argostranslate soxr redis jaconv wyoming segno)
"$PY" -m pip download -q --no-deps "${PLATFORMS[@]}" -d "$TMP/whl" \
  $(for p in "${PACKAGES[@]}"; do echo "$p==$(version "$p")"; done)
"$PY" -m pip install -q --no-deps --no-compile "${PLATFORMS[@]}" --target "$TMP/site" "$TMP"/whl/*.whl
tar -C "$TMP/site" -c . | xz -6 -T0 >"$DEST/site.tar.xz"
"$PY" -m pip download -q --no-deps "${PLATFORMS[@]}" -d "$DEST/wheels" "websockets==$(version websockets)"
PYTHONPATH=$PWD "$PY" bench/device/build_models.py --export-tokenizer "$TMP/tokenizer.json"
xz -6 -c "$TMP/tokenizer.json" >"$DEST/tokenizer.json.xz"
PYTHONPATH=$PWD "$PY" - "$DEST/speech" <<'PY'
import shutil, sys
sys.path.insert(0, "bench")
from _e2e_stack import SPEECH_CACHE, speech_set
speech_set(0.3, 2.0)  # makes the WAVs where missing
for wav in SPEECH_CACHE.glob("*.wav"):
    shutil.copy(wav, sys.argv[1])
PY
du -sh "$DEST"
