"""Escalation to human interpreters: when to call one (``policy``), the operator queue (``queue``, a pure
model behind an in-process and a Redis backend), what each queue notification means for the people
connected here (``notifications``), the hand-off and the link between a session's node and its
operator's node (``service``, ``operator_link``), and operator presence (``operator_status``).

``factory`` builds it all from the settings for ``relay.app``. May import ``relay.context`` and below
(a connection is a ``relay.context.LiveConnection``); only ``relay.ws``, ``relay.http`` and ``relay.app``
import it.
"""
