"""One websocket connection: ``hello``, then a reader, a writer and the turn worker; what the relay does
with each client message and who may send it; checks on incoming audio; WebRTC video signalling.

May import everything below it (``relay.context`` and down); nothing below imports ``relay.ws``.
"""
