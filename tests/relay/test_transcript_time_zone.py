"""A downloaded transcript gives its times in the relay's time zone (``relay.time_zone``, Japan's by
default) and says which, whatever zone the server's clock runs in (often UTC): the clerk and the
dashboard show Japanese time, and so must the record a city keeps."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.relay.conftest import MakeRelay


@pytest.fixture
def server_clock_in_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("server_clock_in_utc")
async def test_transcript_times_are_in_the_relays_zone_and_say_so(make_relay: MakeRelay) -> None:
    relay = await make_relay()
    session = await relay.create_session("en")
    counter = await relay.counter(session)
    await counter.send(type="text", speaker="clerk", text="住所を書いてください")
    await counter.expect("transcript")
    url = f"/api/sessions/{session['session_id']}/transcript"
    text = await (await relay.client.get(url + "?format=txt", headers=relay.auth("clerk"))).text()
    csv = await (await relay.client.get(url + "?format=csv", headers=relay.auth("clerk"))).text()
    record = await relay.ctx.store.get_session(session["session_id"])
    assert record is not None
    tokyo = datetime.fromtimestamp(record.created_at, ZoneInfo("Asia/Tokyo"))
    assert f"{tokyo:%Y-%m-%d %H:%M} JST (UTC+09:00)" in text.splitlines()[0]
    assert "+09:00," in csv, "each row's time carries its offset"


def test_a_zone_that_does_not_exist_stops_start_up() -> None:
    from relay.settings import SettingsError, load_settings

    with pytest.raises(SettingsError, match="Asia/Tokio"):
        load_settings(env={}, overrides={"relay": {"time_zone": "Asia/Tokio"}})
