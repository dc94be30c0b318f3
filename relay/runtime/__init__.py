"""Running the relay: Prometheus metrics, structured logs, rate limits that survive reconnects, and
``supervised()`` for background tasks that must never die silently.

May import ``relay.wire`` only.
"""
