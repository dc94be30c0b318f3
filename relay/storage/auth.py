"""Who is calling: staff tokens (clerk, operator, admin) and per-session resident tokens.

Staff tokens are 256-bit random strings created by ``madoguchi token add``; only their SHA-256 is
stored (a fast hash is enough for secrets of that entropy: there is nothing to brute-force). A resident
token is 192 bits, bound to one session, and dies when the session closes or after
``relay.resident_token_hours``.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from relay.storage.store import Store

STAFF_ROLES = ("clerk", "operator", "admin")


@dataclass(frozen=True)
class Principal:
    role: str  # clerk | operator | admin | resident
    id: str  # token id, or the session id for a resident
    name: str
    session_id: str | None = None  # residents only

    @property
    def actor(self) -> str:
        return f"{self.role}:{self.id}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_resident_token() -> str:
    return "res_" + secrets.token_urlsafe(24)


def new_staff_token(role: str) -> str:
    return f"mdg_{role}_" + secrets.token_urlsafe(32)


class Authenticator:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def add_token(self, role: str, name: str, actor: str = "cli") -> tuple[str, str]:
        """Create a staff token; returns ``(token_id, plaintext)`` — the plaintext is shown once."""
        if role not in STAFF_ROLES:
            raise ValueError(f"role must be one of {', '.join(STAFF_ROLES)}")
        token = new_staff_token(role)
        token_id = secrets.token_hex(4)
        await self.store.add_token(token_id, role, name, hash_token(token))
        await self.store.audit(actor, "token.add", token_id=token_id, role=role, name=name)
        return token_id, token

    async def authenticate(self, token: str | None) -> Principal | None:
        if not token or len(token) > 200:
            return None
        digest = hash_token(token)
        record = await self.store.token_by_hash(digest)
        if record is not None:
            if record.revoked_at is not None:
                return None
            return Principal(record.role, record.id, record.name)
        # the QR code's token, or one handed out for the short join code (relay.http.join)
        session = (await self.store.session_by_resident_token(digest)
                   or await self.store.session_by_joined_token(digest))
        if session is None or session.status != "open":
            return None
        if session.resident_token_expires is not None and session.resident_token_expires < time.time():
            return None
        return Principal("resident", session.id, "resident", session_id=session.id)
