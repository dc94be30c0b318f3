"""Prometheus view of the queue's service metrics.

The figures live in the queue state (so they survive restarts and are shared by Redis nodes); this
collector shows the latest ``ServiceStats`` it was given. Call ``await metrics.refresh(backend)`` before
rendering ``/metrics`` (or from a periodic task). Registered on the registry passed in, never the global.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import CollectorRegistry

from relay.escalation.queue.stats import ServiceStats

OPERATOR_STATES = ("available", "offered", "busy", "wrap_up", "away")


class HasStats(Protocol):
    async def stats(self) -> ServiceStats: ...


class QueueMetrics:
    def __init__(self, registry: CollectorRegistry, namespace: str = "madoguchi_queue") -> None:
        self.namespace = namespace
        self.latest: ServiceStats | None = None
        registry.register(self)

    async def refresh(self, backend: HasStats) -> ServiceStats:
        self.latest = await backend.stats()
        return self.latest

    def update(self, stats: ServiceStats) -> None:
        self.latest = stats

    def _gauge(self, name: str, doc: str, value: float | None) -> GaugeMetricFamily:
        gauge = GaugeMetricFamily(f"{self.namespace}_{name}", doc)
        if value is not None:  # undefined (nothing answered yet): no sample rather than a false zero
            gauge.add_metric([], value)
        return gauge

    def collect(self) -> Iterator[Metric]:
        s = self.latest
        if s is None:
            return
        yield self._gauge("average_speed_of_answer_seconds", "Mean wait until an operator accepted",
                          s.average_speed_of_answer_s)
        yield self._gauge("abandonment_ratio", "Waits given up by the counter before an answer", s.abandonment_rate)
        yield self._gauge("cancellation_ratio", "Requests withdrawn by the counter or the resident", s.cancellation_rate)
        yield self._gauge("unavailable_ratio", "Waits ended by the maximum wait", s.unavailable_rate)
        yield self._gauge("service_level_ratio", f"Waits answered within {s.service_level_s:g} s", s.service_level)
        yield self._gauge("longest_current_wait_seconds", "Longest wait of a session now in the queue",
                          s.longest_current_wait_s)
        yield self._gauge("operator_occupancy_ratio", "(busy + wrap-up) / staffed time", s.occupancy)
        yield self._gauge("waiting_sessions", "Sessions waiting for an operator", s.waiting)
        yield self._gauge("connected_sessions", "Sessions served by an operator", s.connected)
        operators = GaugeMetricFamily(f"{self.namespace}_operators", "Signed-in operators by state",
                                      labels=["state"])
        for state in OPERATOR_STATES:
            operators.add_metric([state], s.operators_by_state.get(state, 0))
        yield operators
        yield from self._escalations(s)

    def _escalations(self, s: ServiceStats) -> Iterator[Metric]:
        by_reason = CounterMetricFamily(f"{self.namespace}_escalations_by_reason", "Escalations by reason",
                                        labels=["reason"])
        for reason, count in sorted(s.escalations_by_reason.items()):
            by_reason.add_metric([reason], count)
        by_lang = CounterMetricFamily(f"{self.namespace}_escalations_by_language", "Escalations by language",
                                      labels=["lang"])
        for lang, count in sorted(s.escalations_by_lang.items()):
            by_lang.add_metric([lang], count)
        outcomes = CounterMetricFamily(f"{self.namespace}_wait_outcomes", "How waits ended", labels=["outcome"])
        for outcome, count in (("answered", s.answered), ("abandoned", s.abandoned), ("cancelled", s.cancelled),
                               ("unavailable", s.unavailable), ("dropped", s.dropped)):
            outcomes.add_metric([outcome], count)
        yield from (by_reason, by_lang, outcomes)
