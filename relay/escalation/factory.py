"""Builds the escalation service from the settings and runs it for the app's lifetime.

The one place that knows every part: the queue backend the settings ask for, the policy, the service, and
what the queue's notifications mean here (``notifications``), wired by constructor arguments.
"""

from __future__ import annotations

import contextlib
import functools
import socket
from collections.abc import AsyncIterator
from pathlib import Path

from relay.context import RelayContext
from relay.escalation.notifications import NotificationHandler, VideoForwarder
from relay.escalation.policy import PolicyConfig
from relay.escalation.queue import QueueConfig
from relay.escalation.queue.factory import create_backend
from relay.escalation.service import EscalationService


@contextlib.asynccontextmanager
async def escalation_service(ctx: RelayContext, on_operator_video: VideoForwarder) -> AsyncIterator[None]:
    """Runs the queue for the app's lifetime (``cleanup_ctx``) and plugs it into the turn pipeline.
    ``on_operator_video`` forwards an operator's video signal to the session (``relay.ws.video``)."""
    queue_config = ctx.settings.section("queue") or QueueConfig()
    policy_config = ctx.settings.section("policy") or PolicyConfig()
    node_id = ctx.settings.server.node_id or socket.gethostname()
    store_path = ctx.settings.store.path
    queue_path = None if store_path == ":memory:" else Path(store_path).with_suffix(".queue.sqlite3")
    events = functools.partial(NotificationHandler, on_operator_video=on_operator_video)
    service = EscalationService(ctx, create_backend(queue_config, node_id, queue_path), queue_config, policy_config,
                                events)
    await service.start()
    ctx.escalation_slot.plug(service)  # the handlers and the turn pipeline reach it from now on
    try:
        yield
    finally:
        ctx.escalation_slot.unplug()
        await service.stop()
