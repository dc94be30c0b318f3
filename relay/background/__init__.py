"""The relay's own background work, started by ``relay.app``: housekeeping loops (idle sessions,
retention, revoked tokens) and the phrasebook's pre-synthesis.

May import ``relay.escalation``, ``relay.context`` and everything below them.
"""
