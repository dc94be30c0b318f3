#!/usr/bin/env bash
# The figures that only the lent machine (16 cores, one H100; docs/performance.md, "On a 16-core node
# with a GPU") can give, in one call: it unpacks the carried packages, builds random-weight models with
# the real dimensions, then measures under time limits, each phase's output to $OUT:
#   1. bench/e2e.py --ramp --ramp-stage final --target-s 1.5, in-process, speech output off (1..16 counters)
#   2. bench/relay_overhead.py --sessions 1000 --messages 10 --think 5 --idle 0
#   3. bench/e2e.py at 16 counters, batched decoding (asr.batch_size=8, mt.batch_size=8)
#   4. bench/e2e.py at 16 counters, 8 decode slots (asr.max_concurrent_decodes=8)
# plus bench/device/gpu_check.py (can CTranslate2's CUDA 12 wheel use the GPU?) and a summary
# (bench/device/summarize.py). Phases run in that order and are skipped when the budget is spent.
#
# The carried folder ($CARRY, default .device) holds: site.tar.xz (cp312 packages missing on the machine:
# ctranslate2, faster-whisper, argostranslate, soxr, redis, jaconv, wyoming, segno), tokenizer.json.xz
# (Whisper's multilingual tokenizer: build_models.py --export-tokenizer), wheels/ (websockets, for the
# e2e clients; any other cp312 wheel put there is installed too) and speech/ (the e2e WAVs, made
# by espeak-ng here: the machine has none). Stand-ins are written for two modules that are imported but
# never used with speech output off: `av` (faster-whisper's file decoding; the relay hands it PCM arrays)
# and `piper` (the voice engine; no voice can travel). No pyopenjtalk (33 MB): the glossary correction of
# Japanese finals is off. No fugashi/wordfreq: the やさしい日本語 engine is not loaded (not on this path).
#
#   OUT=/tmp/out bash bench/device/run_on_device.sh                      # on the lent machine
#   PHASES="models overhead batched slots" BUDGET_S=330 bash bench/device/run_on_device.sh   # some phases only
#   PYTHON=/tmp/venv312/bin/python MODELS=/tmp/models DURATION=8 RAMP_MAX=2 BUDGET_S=300 \
#     OUT=/tmp/out bash bench/device/run_on_device.sh                    # smoke test here
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-/tmp/device-out}
CARRY=${CARRY:-.device}
PY=${PYTHON:-python3}
BUDGET_S=${BUDGET_S:-450}  # everything ends within this; the call's timeout_s leaves a margin
DURATION=${DURATION:-30}   # seconds of conversation per measurement
RAMP_MAX=${RAMP_MAX:-16}
SITE=${SITE:-/tmp/site}
MODELS=${MODELS:-/tmp/models}
START=$(date +%s)
mkdir -p "$OUT" "$SITE"
exec > >(tee -a "$OUT/run.log") 2>&1

elapsed() { echo $(( $(date +%s) - START )); }
phase() {  # phase NAME MAX_S LOG COMMAND...: under `timeout`, at most MAX_S and what the budget leaves
  local name=$1 max=$2 log=$3 limit
  shift 3
  [[ " ${PHASES:-models gpu ramp overhead batched slots} " == *" $name "* ]] || return 0
  limit=$(( BUDGET_S - $(elapsed) - 20 ))
  (( limit > max )) && limit=$max
  if (( limit < 45 )); then
    echo "## $name: skipped, $(( BUDGET_S - $(elapsed) )) s of the budget left"
    return
  fi
  echo "## $name: start at $(elapsed) s, limit $limit s: $*"
  timeout -k 10 "$limit" "$@" >>"$log" 2>&1
  echo "## $name: exit $? at $(elapsed) s (load $(cut -d' ' -f1-3 /proc/loadavg))"
}

# packages: the carried ones, then stand-ins for what is still missing and never used on this path
unpack() { "$PY" -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2], filter="data")' "$@"; }
[ -f "$CARRY/site.tar.xz" ] && [ ! -d "$SITE/ctranslate2" ] && unpack "$CARRY/site.tar.xz" "$SITE"
if compgen -G "$CARRY/wheels/*.whl" >/dev/null; then
  "$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target "$SITE" "$CARRY"/wheels/*.whl
fi
export PYTHONPATH="$PWD:$SITE:$SITE/_standins" PYTHONUNBUFFERED=1
mkdir -p "$SITE/_standins"
if ! "$PY" -c "import av" 2>/dev/null; then
  mkdir -p "$SITE/_standins/av"
  echo '"""Stand-in: PyAV is absent here; faster-whisper imports it for decode_audio(), which the relay never calls."""' \
    >"$SITE/_standins/av/__init__.py"
fi
if ! "$PY" -c "import piper" 2>/dev/null; then
  mkdir -p "$SITE/_standins/piper"
  cat >"$SITE/_standins/piper/__init__.py" <<'PY'
"""Stand-in: piper-tts is absent here and so is every voice; the relay imports these names, never uses them."""
class PiperConfig: ...
class SynthesisConfig: ...
class PiperVoice:
    @staticmethod
    def load(*args, **kwargs):
        raise ImportError("piper-tts is not installed on this machine")
PY
fi

{
  echo "date: $(date -u)"; echo "nproc: $(nproc)"; grep -m1 'model name' /proc/cpuinfo; free -g | head -2
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>&1 | head -2
  echo "stand-ins: $(ls "$SITE/_standins")"
  "$PY" - <<'PY'
import importlib.metadata as m, sys
print("python", sys.version.split()[0])
for name in ("torch", "transformers", "ctranslate2", "faster-whisper", "argostranslate", "onnxruntime", "numpy",
             "aiohttp", "uvloop", "tokenizers", "sentencepiece"):
    try:
        print(name, m.version(name))
    except m.PackageNotFoundError:
        print(name, "absent")
PY
  git log -1 --format='main at %h %s' 2>/dev/null
} >"$OUT/env.txt" 2>&1
cat "$OUT/env.txt"

# inputs: the speech WAVs (bench/_e2e_stack.py reads them from its cache) and the models
mkdir -p .cache/bench-speech/e2e
cp -n "$CARRY"/speech/*.wav .cache/bench-speech/e2e/ 2>/dev/null
if [ ! -f "$MODELS/.complete" ]; then
  "$PY" -c 'import lzma, sys; sys.stdout.buffer.write(lzma.open(sys.argv[1]).read())' "$CARRY/tokenizer.json.xz" \
    >/tmp/whisper-tokenizer.json
  phase models 200 "$OUT/run.log" "$PY" bench/device/build_models.py "$MODELS" --tokenizer /tmp/whisper-tokenizer.json \
    && [ -f "$MODELS/whisper/base/model.bin" ] && touch "$MODELS/.complete"
fi
[ -f "$MODELS/.complete" ] || { echo "## no models: stop"; exit 1; }

phase gpu 60 "$OUT/gpu.json" "$PY" bench/device/gpu_check.py "$MODELS"

# random weights: tokens capped as bench/asr_stream.py caps them, no guard that would drop their noise,
# every utterance ends after the short silence (as the real model's finished sentences do)
E2E=("$PY" bench/e2e.py --models-dir "$MODELS" --duration "$DURATION" --json
     --skip-engine tts --skip-engine easy_japanese --set relay.tts_default=false
     --set asr.max_tokens_per_second=6 --set asr.hallucination_guard=false
     --set asr.glossary_correction=false --set asr.unfinished_silence_s=0.5)
phase ramp 270 "$OUT/e2e_ramp.log" "${E2E[@]}" --ramp --ramp-max "$RAMP_MAX" --ramp-stage final --target-s 1.5 \
  --label "in-process, no speech output"
phase overhead 150 "$OUT/relay_overhead.log" "$PY" bench/relay_overhead.py --sessions "${SESSIONS:-1000}" \
  --messages 10 --think 5 --idle 0 --json "$OUT/relay_overhead.json"
phase batched 110 "$OUT/e2e_more.log" "${E2E[@]}" --counters "$RAMP_MAX" --set asr.batch_size=8 --set mt.batch_size=8 \
  --label "batched (asr.batch_size=8, mt.batch_size=8)"
phase slots 110 "$OUT/e2e_more.log" "${E2E[@]}" --counters "$RAMP_MAX" --set asr.max_concurrent_decodes=8 \
  --label "8 decode slots (asr.max_concurrent_decodes=8)"

"$PY" bench/device/summarize.py "$OUT" >"$OUT/summary.md" 2>&1
cat "$OUT/summary.md"
echo "## done at $(elapsed) s"
