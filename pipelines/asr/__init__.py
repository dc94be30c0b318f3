"""Streaming speech recognition on faster-whisper (see docs/asr.md).

Public API for the relay: ``AsrConfig`` (the ``[asr]`` settings), ``load_recognizer`` (one shared model,
raises ``ModelMissing``), and ``WhisperModels`` in ``pipelines.asr.models`` (``madoguchi models``).
"""

from pipelines.asr.config import AsrConfig
from pipelines.asr.recognizer import WhisperRecognizer, load_recognizer
from pipelines.asr.stream import WhisperStream

__all__ = ["AsrConfig", "WhisperRecognizer", "WhisperStream", "load_recognizer"]
