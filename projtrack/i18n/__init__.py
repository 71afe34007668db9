"""Every user-facing string, in Chinese (default) and English.

``t(key, **params)`` formats a catalog entry; the language comes from the ``lang`` argument, or
from ``set_lang`` (the CLI's ``--lang`` and the UI's switch), or from ``PROJTRACK_LANG``.
A missing key in one language falls back to the other, then to the key itself, so a gap in a
catalog never crashes the program (a test checks both catalogs hold the same keys).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

LANGS = ("zh", "en")
_lang: ContextVar[str | None] = ContextVar("projtrack_lang", default=None)


@cache
def catalog(lang: str) -> dict[str, str]:
    path = Path(__file__).with_name(f"{lang}.json")
    return json.loads(path.read_text(encoding="utf-8"))


def current_lang() -> str:
    lang = _lang.get() or os.environ.get("PROJTRACK_LANG") or "zh"
    return lang if lang in LANGS else "zh"


def set_lang(lang: str | None) -> None:
    if lang is not None and lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
    _lang.set(lang)


@contextmanager
def use_lang(lang: str | None) -> Iterator[None]:
    """Speak ``lang`` inside the block (for code that formats without a ``lang`` argument)."""
    token = _lang.set(lang if lang in LANGS else None)
    try:
        yield
    finally:
        _lang.reset(token)


def t(key: str, lang: str | None = None, **params: object) -> str:
    lang = lang if lang in LANGS else current_lang()
    text = catalog(lang).get(key)
    if text is None:
        other = "en" if lang == "zh" else "zh"
        text = catalog(other).get(key, key)
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text + " " + ", ".join(f"{k}={v}" for k, v in params.items())
    return text


def term(word: str | None, lang: str | None = None) -> str:
    """A domain word (中小学, 续建, 在建 …) in the display language; unknown words unchanged."""
    if word is None:
        return ""
    return t(f"term.{word}", lang=lang) if f"term.{word}" in catalog("en") else word
