"""The mutable records the queue model keeps, and their plain-dict form (SQLite blob, Redis value)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from relay.escalation.queue.stats import StatsTracker

# Operator states (protocol names) and the transitions the model may make between them.
AVAILABLE, OFFERED, BUSY, WRAP_UP, AWAY = "available", "offered", "busy", "wrap_up", "away"
OPERATOR_TRANSITIONS: dict[str, frozenset[str]] = {
    AVAILABLE: frozenset({OFFERED, BUSY, AWAY}),
    OFFERED: frozenset({BUSY, AVAILABLE, AWAY}),
    BUSY: frozenset({WRAP_UP, AWAY}),
    WRAP_UP: frozenset({AVAILABLE, AWAY}),
    AWAY: frozenset({AVAILABLE}),
}

UNKNOWN_LANG = "auto"  # the session's language is not detected yet

# Entry states; an entry leaves the queue (is deleted) when answered-and-released, cancelled, abandoned
# or unavailable.
WAITING, ENTRY_OFFERED, CONNECTED = "waiting", "offered", "connected"
ENTRY_TRANSITIONS: dict[str, frozenset[str]] = {
    WAITING: frozenset({ENTRY_OFFERED, CONNECTED}),
    ENTRY_OFFERED: frozenset({WAITING, CONNECTED}),
    CONNECTED: frozenset({WAITING, ENTRY_OFFERED}),  # re-queued after a lost operator; transferred
}


@dataclass
class Entry:
    session_id: str
    lang: str
    priority: int
    reason: str
    node: str
    enqueued_at: float
    seq: int
    waiting_since: float
    state: str = WAITING
    at_head: bool = False  # re-queued after a lost operator: served before everyone else
    answered: bool = False  # the first answer was already counted in the statistics
    operator_id: str | None = None
    offer_expires_at: float | None = None
    declined_by: list[str] = field(default_factory=list)
    # let an offer time out (away from the desk, not a decision): offered it again once they are back
    missed_by: list[str] = field(default_factory=list)
    preferred_operator: str | None = None
    connected_at: float | None = None
    counter_lost_at: float | None = None
    announce: str = "queued"  # "queued"/"requeued": EntryQueued still owed to the counter
    announced: list[float] | None = None  # [position, eta] last told to the counter
    counter: str = ""  # the counter's name, so that every node's consoles and dashboard can show it

    def order_key(self) -> tuple[int, int, float, int]:
        return (0 if self.at_head else 1, -self.priority, self.enqueued_at, self.seq)


@dataclass
class Operator:
    operator_id: str
    languages: list[str]
    node: str
    state: str
    state_since: float
    last_heartbeat: float
    connected: bool = True
    disconnected_at: float | None = None
    session_id: str | None = None

    def covers(self, lang: str) -> bool:
        """A language not yet detected (``auto``) can go to anyone: the operator finds out."""
        return lang == UNKNOWN_LANG or lang in self.languages

    def can_take(self, lang: str) -> bool:
        return self.connected and self.state == AVAILABLE and self.covers(lang)


@dataclass
class QueueState:
    entries: dict[str, Entry] = field(default_factory=dict)
    operators: dict[str, Operator] = field(default_factory=dict)
    stats: StatsTracker = field(default_factory=StatsTracker)
    next_seq: int = 0
    listing_digest: str = ""  # of the waiting list last broadcast to operators
    # grows with every transition (never below the clock in ms, so a queue started afresh — Redis
    # emptied, a memory-only store — still counts on from where the old one was): an operator's status
    # carries it as its version, and a console shows no status older than one it has shown
    revision: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "entries": [asdict(e) for e in self.entries.values()],
            "operators": [asdict(o) for o in self.operators.values()],
            "stats": asdict(self.stats),
            "next_seq": self.next_seq,
            "listing_digest": self.listing_digest,
            "revision": self.revision,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QueueState:
        # fields this version does not know (a newer node shares the Redis queue during an upgrade) are left
        # out rather than refused, so nodes can be upgraded one after the other
        entries = [Entry(**_known(Entry, e)) for e in data.get("entries", [])]
        operators = [Operator(**_known(Operator, o)) for o in data.get("operators", [])]
        return cls(
            entries={e.session_id: e for e in entries},
            operators={o.operator_id: o for o in operators},
            stats=StatsTracker(**data.get("stats", {})),
            next_seq=int(data.get("next_seq", 0)),
            listing_digest=str(data.get("listing_digest", "")),
            revision=int(data.get("revision", 0)),
        )


def _known(record: type, data: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in fields(record)}
    return {key: value for key, value in data.items() if key in names}
