"""Can CTranslate2's wheel use the lent machine's GPU? One JSON line with what happened.

The ctranslate2 wheel is built for CUDA 12 (it loads ``libcublas.so.12`` when a model runs on the GPU);
the lent machine has the driver and CUDA 13 libraries (PyTorch cu130). This reports the device count,
the compute types, and whether Whisper base (random weights, real dimensions: ``build_models.py``)
decodes on the GPU, timed against the same decode on the CPU, or the error that stopped it. It does not
try to make CUDA 12 appear (docs/performance.md, "On a 16-core node with a GPU").

    python bench/device/gpu_check.py MODELS_DIR
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import numpy as np

SOT, JA, TRANSCRIBE, NO_TIMESTAMPS = 50258, 50266, 50359, 50363
CLIP_S, NEW_TOKENS = 4.0, 24  # a 4 s utterance, 6 tokens per second (the e2e run's cap)
FRAMES = 500  # encoded as the relay encodes it: the utterance and its trailing silence, not 30 s (decoder.py)


def time_decodes(model_dir: Path, device: str, compute_type: str, batch: int, rounds: int, **kwargs: Any) -> float:
    """Milliseconds per batch of ``batch`` 4-s clips: encoder (5 s window) plus ``NEW_TOKENS`` greedy tokens."""
    from faster_whisper import WhisperModel
    from faster_whisper.audio import pad_or_trim

    model = WhisperModel(str(model_dir), device=device, compute_type=compute_type, local_files_only=True, **kwargs)
    rng = np.random.default_rng(0)
    clips = [(0.1 * rng.standard_normal(int(CLIP_S * 16000))).astype(np.float32) for _ in range(batch)]
    features = np.stack([pad_or_trim(model.feature_extractor(c), FRAMES) for c in clips])
    prompt = [SOT, JA, TRANSCRIBE, NO_TIMESTAMPS]

    def decode() -> None:
        encoded = model.encode(features)
        model.model.generate(encoded, [prompt] * batch, beam_size=1, max_length=len(prompt) + NEW_TOKENS,
                             suppress_tokens=[50257])  # no end of text: always NEW_TOKENS tokens

    decode()  # load, allocate, tune
    began = time.perf_counter()
    for _ in range(rounds):
        decode()
    return round(1000 * (time.perf_counter() - began) / rounds, 1)


def main() -> None:
    model_dir = Path(sys.argv[1]) / "whisper" / "base"
    found: dict[str, Any] = {}
    try:
        import ctranslate2

        found["ctranslate2"] = ctranslate2.__version__
        found["cuda_devices"] = ctranslate2.get_cuda_device_count()
        if found["cuda_devices"]:
            found["cuda_compute_types"] = sorted(ctranslate2.get_supported_compute_types("cuda"))
    except Exception as err:  # report, whatever it is
        found["error"] = "".join(traceback.format_exception_only(err)).strip()
    cores = os.cpu_count() or 1
    for label, device, compute, batch, extra in (
            ("cuda float16, batch 1", "cuda", "float16", 1, {}),
            ("cuda float16, batch 8", "cuda", "float16", 8, {}),
            (f"cpu int8, {cores} threads, batch 1", "cpu", "int8", 1, {"cpu_threads": cores}),
            ("cpu int8, 1 thread, batch 1", "cpu", "int8", 1, {"cpu_threads": 1})):
        if device == "cuda" and not found.get("cuda_devices"):
            continue
        try:
            found[f"ms per decode: {label}"] = time_decodes(model_dir, device, compute, batch, 5, **extra)
        except Exception as err:
            found[f"error: {label}"] = "".join(traceback.format_exception_only(err)).strip()[-500:]
    print(json.dumps(found, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
