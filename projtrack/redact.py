"""Passwords out of text that is shown or logged: every ``scheme://user:password@`` becomes
``scheme://user:***@`` (database URLs in messages, arguments and tracebacks), and so does the
value of a ``password=`` in a URL's query (``?password=…&``) or in a libpq key-value string
(``password=secret``, ``password='two words'``).  A ``service=NAME`` URL names no password."""

from __future__ import annotations

import re

_PASSWORD = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@]*:)[^\s@/]*@")
_KEYWORD = re.compile(r"(?P<head>(?:^|(?<=[\s?&;]))password\s*=\s*)"
                      r"(?:'(?:[^'\\]|\\.)*'|[^\s&;']+)", re.IGNORECASE)


def redact(text: str) -> str:
    """``text`` with the password of every URL and ``password=`` in it replaced by ``***``."""
    return _KEYWORD.sub(lambda m: f"{m['head']}***", _PASSWORD.sub(lambda m: f"{m['head']}***@", text))
