"""Signing in to a staff page the way a person does (the token in its field, then サインイン); the caller
checks what the page shows next."""

from __future__ import annotations

from typing import Any


def sign_in_to_dashboard(page: Any, token: str) -> None:
    page.goto("/admin")
    page.get_by_label("管理者トークン").fill(token)
    page.get_by_role("button", name="サインイン").click()
