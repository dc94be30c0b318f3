"""Translation on LibreTranslate servers, with the relay's phrasebook, glossary protection and cache.

The remote server only replaces the decoder: ``LibreTranslateDirection`` is a
``pipelines.mt.backend.SentenceTranslator``, so the in-process engine (``pipelines.mt.engine``) runs
unchanged around it — phrasebook bypass first, glossary terms protected before and restored after, our
sentence splitting, the LRU cache, the confidence. LibreTranslate pivots through English itself, so
every pair it lists is one direct hop.

Confidence: LibreTranslate returns no scores, only ``alternatives`` (its beam's runners-up). They are the
n-best list here, all with score 0, so the confidence is the in-process engine's n-best consensus alone
(1.0 when the alternatives agree with the best, lower as they diverge); without alternatives it is 1.0.

HTTP connections are kept alive and reused, at most ``max_concurrent_per_server`` per server.
"""

from __future__ import annotations

import http.client
import json
import queue
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pipelines.base import EngineStatus
from pipelines.mt.backend import Candidate, SentenceTranslator
from pipelines.mt.config import MtConfig
from pipelines.mt.engine import ArgosTranslator
from pipelines.remote.config import RemoteConfig
from pipelines.remote.servers import RemoteFailure, ServerPool


class HttpClient:
    """Keep-alive JSON over HTTP to many servers; a broken connection is dropped, never reused."""

    def __init__(self, config: RemoteConfig) -> None:
        self.config = config
        self._idle: dict[str, queue.LifoQueue[http.client.HTTPConnection]] = {}

    def request(self, base_url: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        conn = self._take(base_url)
        payload = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        try:
            conn.request(method, urlsplit(base_url).path.rstrip("/") + path, payload, headers)
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            raise RemoteFailure(f"{method} {path}: {exc or type(exc).__name__}") from exc
        self._give_back(base_url, conn)
        if response.status != 200:
            raise RemoteFailure(f"{method} {path}: HTTP {response.status} {data[:200]!r}")
        try:
            return json.loads(data)
        except ValueError as exc:
            raise RemoteFailure(f"{method} {path}: not JSON") from exc

    def _take(self, base_url: str) -> http.client.HTTPConnection:
        idle = self._idle.setdefault(base_url, queue.LifoQueue(maxsize=max(1, self.config.max_concurrent_per_server)))
        try:
            return idle.get_nowait()
        except queue.Empty:
            parts = urlsplit(base_url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"LibreTranslate server {base_url!r} must look like http://host:port") from None
            cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
            conn = cls(parts.hostname, parts.port, timeout=self.config.request_timeout_s)
            return conn

    def _give_back(self, base_url: str, conn: http.client.HTTPConnection) -> None:
        try:
            self._idle[base_url].put_nowait(conn)
        except queue.Full:
            conn.close()


class LibreTranslateDirection:
    """One translation direction on the LibreTranslate pool (``SentenceTranslator``)."""

    def __init__(self, pool: ServerPool, client: HttpClient, source: str, target: str) -> None:
        self.pool, self.client = pool, client
        self.source, self.target = source, target
        self.name = f"{source}→{target} (LibreTranslate)"

    def translate_batch(self, sentences: Sequence[str], num_hypotheses: int, beam_size: int) -> list[list[Candidate]]:
        alternatives = max(0, min(self.pool.config.mt_alternatives, num_hypotheses - 1))
        body: dict[str, Any] = {"q": list(sentences), "source": self.source, "target": self.target,
                                "format": "text", "alternatives": alternatives}
        if self.pool.config.mt_api_key:
            body["api_key"] = self.pool.config.mt_api_key
        answer = self.pool.call(lambda url: self.client.request(url, "POST", "/translate", body))
        return _nbest(answer, len(sentences))


def _nbest(answer: Any, count: int) -> list[list[Candidate]]:
    if not isinstance(answer, dict) or "translatedText" not in answer:
        raise RemoteFailure(f"unexpected answer from /translate: {str(answer)[:200]}")
    texts = answer["translatedText"]
    alternatives = answer.get("alternatives") or [[] for _ in range(count)]
    if not isinstance(texts, list) or len(texts) != count or len(alternatives) != count:
        raise RemoteFailure("/translate answered a different number of sentences than it was sent")
    return [[Candidate(str(best), 0.0), *(Candidate(str(a), 0.0) for a in alts)]
            for best, alts in zip(texts, alternatives, strict=True)]


def language_pairs(answer: Any) -> set[tuple[str, str]]:
    """The directions a ``/languages`` answer lists: [{"code": "en", "targets": ["ja", ...]}, ...]."""
    if not isinstance(answer, list):
        raise RemoteFailure("unexpected answer from /languages")
    return {(str(lang["code"]), str(target)) for lang in answer for target in lang.get("targets", [])
            if str(target) != str(lang["code"])}


class LibreTranslateTranslator(ArgosTranslator):
    """The in-process engine around LibreTranslate directions; ``status`` tells the servers' health."""

    def __init__(self, config: MtConfig, pool: ServerPool, pairs: dict[tuple[str, str], SentenceTranslator]) -> None:
        super().__init__(config, pairs, missing_reason="the LibreTranslate servers listed no language pair")
        self.pool = pool

    def status(self) -> EngineStatus:
        ready, detail = self.pool.health()
        languages = tuple(sorted({lang for pair in self.pairs for lang in pair}))
        if not self.pairs:
            return EngineStatus("mt", False, f"LibreTranslate: no language pair known ({detail})")
        return EngineStatus("mt", ready, f"LibreTranslate ({len(self.pairs)} pairs): {detail}",
                            tuple(s.address for s in self.pool.servers), languages)

    def route(self, source: str, target: str) -> list[SentenceTranslator] | None:
        pair = self.pairs.get((source, target))
        return [pair] if pair else None  # the server pivots itself


def load_libretranslate(mt: MtConfig, remote: RemoteConfig, models_dir: Path) -> LibreTranslateTranslator:
    pool = ServerPool("mt", list(remote.mt_servers), remote)
    client = HttpClient(remote)
    pairs: set[tuple[str, str]] = set()
    pool.probe(lambda url: pairs.update(language_pairs(client.request(url, "GET", "/languages"))))
    directions: dict[tuple[str, str], SentenceTranslator] = {
        (s, t): LibreTranslateDirection(pool, client, s, t) for s, t in sorted(pairs)}
    return LibreTranslateTranslator(mt, pool, directions)
