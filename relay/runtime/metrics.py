"""Prometheus metrics of one relay (its own registry, so tests can run many apps in one process)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from relay.runtime.supervision import left_running

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0)


class RelayMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.sessions_open = Gauge("madoguchi_sessions_open", "Open sessions on this node", registry=r)
        self.sessions_created = Counter("madoguchi_sessions_created_total", "Sessions created", ["mode"], registry=r)
        self.sessions_abandoned = Counter(
            "madoguchi_sessions_abandoned_total", "Sessions ended by the relay because nobody was connected to "
            "them for relay.abandoned_after_minutes (a tablet closed without 受付終了)", registry=r)
        self.connections = Gauge("madoguchi_ws_connections", "Open websocket connections", ["role"], registry=r)
        self.messages_in = Counter("madoguchi_ws_messages_total", "Client messages received", ["type"], registry=r)
        self.utterances = Counter(
            "madoguchi_utterances_total", "Final utterances", ["speaker", "source"], registry=r
        )
        self.stage_latency = Histogram(
            "madoguchi_stage_latency_seconds", "Time spent per pipeline stage", ["stage"],
            buckets=LATENCY_BUCKETS, registry=r,
        )
        self.errors = Counter("madoguchi_errors_total", "Errors sent to clients, by code", ["code"], registry=r)
        self.confidence = Histogram(
            "madoguchi_utterance_confidence", "Utterance confidence", ["stage"],
            buckets=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0), registry=r,
        )
        self.engine_ready = Gauge("madoguchi_engine_ready", "1 when the engine is loaded", ["engine"], registry=r)
        self.background_failures = Counter("madoguchi_background_failures_total",
                                           "Background task failures (logged with a traceback)", ["task"], registry=r)
        self.tts_audio_seconds = Counter("madoguchi_tts_audio_seconds_total", "Speech synthesised", ["lang"], registry=r)
        self.tts_skipped = Counter("madoguchi_tts_skipped_total",
                                   "Utterances not spoken: speech fell too far behind (relay.turns.speech)", ["lang"],
                                   registry=r)
        self.tts_failed = Counter("madoguchi_tts_failed_total",
                                  "Utterances whose speech the engine failed to synthesise (notice tts_failed)", ["lang"],
                                  registry=r)
        self.join_attempts = Counter(
            "madoguchi_join_attempts_total", "Join codes typed on a phone (POST /api/join), by outcome: joined, "
            "wrong, expired, rate_limited", ["outcome"], registry=r)

        self.store_lock_timeouts = Counter(
            "madoguchi_store_lock_timeouts_total",
            "Waits of the store for another process's write lock that ran out (store.busy_timeout_s; one per "
            "batch of writes at most): those writes got store_unavailable", registry=r)

        self.tasks_left_running = Gauge(
            "madoguchi_tasks_left_running",
            "Tasks that did not stop when cancelled and still run (logged as 'task did not stop')", registry=r)
        self.tasks_left_running.set_function(lambda: len(left_running()))
        self.speech_not_understood = Counter(
            "madoguchi_speech_not_understood_total",
            "Speech shown as a partial that gave no final: the speaker was asked to say it again or type it "
            "(notice speech_not_understood), by reason (loop, no_speech, known_hallucination, low_confidence, "
            "empty, no_final)", ["speaker", "reason"], registry=r)

    def observe_stage(self, stage: str, milliseconds: float) -> None:
        self.stage_latency.labels(stage).observe(milliseconds / 1000.0)

    def render(self) -> bytes:
        return generate_latest(self.registry)
