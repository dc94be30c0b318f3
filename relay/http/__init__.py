"""HTTP endpoints of protocol v1: sessions and transcripts, languages, the admin and glossary APIs,
the browser pages and the QR code, and the security headers on every response.

May import ``relay.escalation``, ``relay.context`` and everything below them; nothing below imports
``relay.http``.
"""
