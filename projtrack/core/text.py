"""Free text typed by officers or read from an annex: cleaned before it is stored."""

from __future__ import annotations

import re
import unicodedata

MAX_TEXT = 2000  # characters kept of a note or remark
MAX_NAME = 200

# control, zero-width and bidirectional-override characters: invisible, and able to make two
# names that look the same differ (or a name display reversed)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e"
                      r"\u2060-\u2069\ufeff]")


def strip_invisible(text: str) -> str:
    return _CONTROL.sub("", text)


def clean_text(text: str | None, *, limit: int = MAX_TEXT, keep_newlines: bool = True) -> str | None:
    """Drop control and zero-width characters, trim, cut to ``limit``; empty → None."""
    if text is None:
        return None
    text = unicodedata.normalize("NFC", str(text))
    text = _CONTROL.sub("", text)
    if not keep_newlines:
        text = re.sub(r"[\r\n\t]+", " ", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text or None


def clean_name(text: str | None) -> str | None:
    """A project name without stray whitespace: line breaks and spaces next to Chinese text go,
    other runs of spaces become one ("平阳县昆阳镇第二幼儿园新建\n工程 " → "…新建工程")."""
    if text is None:
        return None
    text = _CONTROL.sub("", unicodedata.normalize("NFC", str(text)))
    text = re.sub(r"[\r\n]+", "", text)
    text = re.sub(r"[ \t\u3000\xa0]+", " ", text).strip()
    text = re.sub(rf"(?<=[{_WIDE}]) | (?=[{_WIDE}])", "", text)
    return text[:MAX_NAME] or None


_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f（）"
