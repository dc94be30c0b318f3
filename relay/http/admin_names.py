"""People-readable names for the dashboard: whose token an id is, which counter a session is.

The relay identifies staff by token id (``operator:3f9a1c2e``) and sessions by their id; an
administrator knows them as 「ベトナム語 通訳 田中」 and 「市民課 1番」. The admin API keeps every raw id
(for IT, and for filtering) and adds the names beside them: ``name`` on operators, ``operator_name``
on counters, ``counter`` on queue entries, and on audit entries ``actor_role``, ``actor_name`` and
``names`` (``token``: the name of ``detail.token_id``; ``counter``: the counter of ``detail.session``).
A name that cannot be found (a token deleted with its database, a session purged or on another node)
is simply left out: the page then shows the raw id. A queue entry carries its counter's name itself
(whichever node the counter is on), so the queue keeps it where this node's store has no record.
"""

from __future__ import annotations

from typing import Any

from relay.storage.store import Store


async def token_names(store: Store) -> dict[str, str]:
    """Every staff token's name by id, revoked ones too (the audit log outlives a revocation)."""
    return {record.id: record.name for record in await store.list_tokens()}


class CounterNames:
    """The counter of each session asked about, looked up once per answer."""

    def __init__(self, store: Store, known: dict[str, str] | None = None) -> None:
        self.store = store
        self.known: dict[str, str | None] = dict(known or {})

    async def of(self, session_id: Any) -> str | None:
        if not isinstance(session_id, str):
            return None
        if session_id not in self.known:
            record = await self.store.get_session(session_id)
            self.known[session_id] = record.counter if record is not None else None
        return self.known[session_id]


async def name_live(store: Store, body: dict[str, Any]) -> None:
    """Adds the names to ``GET /api/admin/live`` in place."""
    tokens = await token_names(store)
    counters = CounterNames(store, {c["session_id"]: c["counter"] for c in body["counters"]})
    for counter in body["counters"]:
        if counter.get("operator") in tokens:
            counter["operator_name"] = tokens[counter["operator"]]
    for operator in body["operators"]:
        if operator.get("operator_id") in tokens:
            operator["name"] = tokens[operator["operator_id"]]
    for entry in body["queue"]:
        counter_name = await counters.of(entry.get("session_id"))
        if counter_name is not None:
            entry["counter"] = counter_name
        if entry.get("operator_id") in tokens:
            entry["operator_name"] = tokens[entry["operator_id"]]


async def name_audit(store: Store, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Adds ``actor_role``, ``actor_name`` and ``names`` to audit entries (the raw fields stay)."""
    tokens = await token_names(store)
    counters = CounterNames(store)
    for entry in entries:
        role, _, actor_id = str(entry["actor"]).partition(":")
        entry["actor_role"] = role
        detail = entry["detail"] if isinstance(entry["detail"], dict) else {}
        names: dict[str, str] = {}
        if role == "resident":  # a resident is known by its session: say which counter's
            counter = await counters.of(actor_id)
            if counter is not None:
                entry["actor_name"] = counter
        elif actor_id in tokens:
            entry["actor_name"] = tokens[actor_id]
        if detail.get("token_id") in tokens:
            names["token"] = tokens[detail["token_id"]]
        counter = await counters.of(detail.get("session"))
        if counter is not None:
            names["counter"] = counter
        entry["names"] = names
    return entries
