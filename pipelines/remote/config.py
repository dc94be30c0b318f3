"""Settings of the remote engines: the ``[remote]`` section of the relay's TOML file.

A non-empty server list moves that engine off the node: speech recognition to Wyoming servers
(``wyoming-faster-whisper``), speech output to Wyoming servers (``wyoming-piper``), translation to
LibreTranslate. An empty list keeps the in-process engine of ``[asr]``, ``[tts]`` or ``[mt]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def _list(help: str) -> list[str]:
    # field() itself: ruff's RUF009 cannot see through a helper that returns one
    return field(default_factory=list, metadata={"help": help})


@dataclass
class RemoteConfig:
    asr_servers: list[str] = _list(  # noqa: RUF009
        "Wyoming speech-recognition servers (tcp://host:port, e.g. wyoming-faster-whisper); non-empty = recognition "
        "runs there, while endpointing (VAD) and partials stay on the relay. Several = spread and failover.")
    tts_servers: list[str] = _list(  # noqa: RUF009
        "Wyoming speech-synthesis servers (tcp://host:port, e.g. wyoming-piper); non-empty = speech output runs there.")
    tts_voices: list[str] = _list(  # noqa: RUF009
        "lang=voice pairs for the Wyoming TTS servers (e.g. en=en_US-joe-medium); empty = every installed voice, "
        "by its language.")
    mt_servers: list[str] = _list(  # noqa: RUF009
        "LibreTranslate base URLs (http://host:5000); non-empty = translation runs there, with the relay's "
        "glossary protection, phrasebook and cache.")
    mt_api_key: str = field(default="", metadata={"help": "LibreTranslate API key (sent with every request); empty = none."})
    mt_alternatives: int = field(
        default=3, metadata={"help": "alternative translations asked of LibreTranslate per sentence, for the confidence (0 = none)"})
    asr_partial_interval_s: float = field(
        default=1.0, metadata={"help": "With Wyoming ASR: seconds of new speech between two partials (replaces [asr] "
                                       "partial_interval_s). Each partial re-sends the utterance so far, which "
                                       "wyoming-faster-whisper decodes as a whole 30 s window; 0 = no partials "
                                       "but the one at each pause (whose decode the final reuses)."})
    connect_timeout_s: float = field(default=2.0, metadata={"help": "Seconds to connect to a remote server."})
    request_timeout_s: float = field(
        default=15.0, metadata={"help": "Seconds one remote request (a decode, a sentence, a translation) may take before "
                                        "it counts as failed and the next server is tried."})
    retries: int = field(
        default=2, metadata={"help": "Further attempts after a failed request, each on the next healthy server."})
    retry_backoff_s: float = field(
        default=0.2, metadata={"help": "Wait before the first retry; doubles for each further one."})
    down_for_s: float = field(
        default=10.0, metadata={"help": "A server that failed is skipped this long (unless every server is down)."})
    max_concurrent_per_server: int = field(
        default=4, metadata={"help": "Requests in flight to one server at a time (the connection pool's size); "
                                     "more wait for a free slot."})
