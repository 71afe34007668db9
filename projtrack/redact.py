"""Passwords out of text that is shown or logged: every ``scheme://user:password@`` becomes
``scheme://user:***@`` (database URLs in messages, arguments and tracebacks)."""

from __future__ import annotations

import re

_PASSWORD = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@]*:)[^\s@/]*@")


def redact(text: str) -> str:
    """``text`` with the password of every URL in it replaced by ``***``."""
    return _PASSWORD.sub(lambda m: f"{m['head']}***@", text)
