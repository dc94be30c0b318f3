"""Escalation to human interpreters: when to call one (``policy``), the operator queue (``queue``, a pure
model behind an in-process and a Redis backend), what each queue notification means for the people
connected here (``notifications``), the hand-off and the link between a session's node and its
operator's node (``service``, ``operator_link``), and operator presence (``operator_status``).

May import ``relay.turns`` and below; ``relay.turns`` and below never import it.
"""
