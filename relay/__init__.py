"""The relay: the aiohttp server between the counter tablets, the residents' phones, the operators and the engines.

Package map, top to bottom (each sub-package's docstring says what lives there and what it may import;
a layer imports only those below it and nothing imports in a cycle: import-linter checks both, see
pyproject.toml and docs/architecture.md):

- ``relay.cli``        the ``madoguchi`` command (serve, check, token, purge, models, easy, config)
- ``relay.app``        ``create_app(settings, engines)``: wires everything below together
- ``relay.http``       HTTP endpoints: the API, the admin API, the glossary API, the pages, security headers
- ``relay.ws``         one websocket connection: hello, handlers per message type, audio input, video signalling
- ``relay.background`` the relay's own periodic work: housekeeping, phrasebook pre-synthesis
- ``relay.escalation`` human interpreters: the policy, the operator queue, its notifications, the hand-off
- ``relay.context``    ``RelayContext``: the shared state that HTTP and websocket handlers reach, and
                       ``LiveConnection`` and ``Escalation``, what the layers below ``relay.ws`` know of a
                       connection and of the operator queue (``NoEscalation`` while none runs)
- ``relay.turns``      sessions in memory, the routing rules and the turn pipeline: ASR → MT → TTS, the engine bridge
- ``relay.engines``    loading the engines of ``pipelines`` plus the やさしい日本語 adapter
- ``relay.storage``    the SQLite store, its schema and recovery queries, tokens, masking of personal numbers
- ``relay.runtime``    metrics, logs, rate limits, ``supervised()`` background tasks
- ``relay.wire``       wire protocol v1: message dataclasses, encoder, decoder, codes
- ``relay.settings``   configuration (TOML + environment)

``relay`` may import ``pipelines`` and ``easy_japanese``; they never import ``relay``.
"""
