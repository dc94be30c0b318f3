"""One websocket connection: ``hello``, then a reader, a writer and the turn worker; what the relay does
with each client message and who may send it; checks on incoming audio; WebRTC video signalling.

May import the layers below it (``relay.escalation``, ``relay.context`` and down); nothing below imports
``relay.ws``: what they need of a connection is ``relay.context.LiveConnection``.
"""
