"""Amounts as officers write them, in 万元 (10,000 yuan), kept as exact Decimals.

Accepted spellings: 3600, 3600.5, "3,600", "3，600", full-width "３６００", "约2000" (approximate),
"2000万元", "1.2亿" / "1.2亿元" (converted to 万元), stray spaces.  Markers for "none" ("—", "/",
"无", "原址" …) and for "to be decided" ("待定", "未定" …) are told apart from a number, so that a
caller can choose what each means for its column.

Money is stored to the cent: 0.000001 万元 = 0.01 元 (``SCALE`` decimals).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import Enum

SCALE = 6  # decimals of 万元 kept: 1e-6 万元 is one cent (分)
QUANTUM = Decimal(1).scaleb(-SCALE)
MAX_AMOUNT = Decimal(10) ** 12  # 万元: beyond any project, below what a scaled BIGINT holds (9.2e12)
ZERO = Decimal(0)

NONE_MARKERS = frozenset(
    {"—", "——", "–", "-", "--", "―", "─", "/", "／", "\\", "无", "没有", "原址", "不涉及",
     "不适用", "n/a", "na", "none", "×", "x"}
)
TBD_MARKERS = frozenset({"待定", "未定", "待核定", "待确定", "暂定", "待明确", "tbd", "?", "？"})
SEE_REMARKS = frozenset({"见备注", "详见备注", "见说明", "详见说明", "见附注"})  # the figure is there
_APPROX_PREFIXES = ("约", "大约", "近", "≈", "~", "～", "预计", "估算", "估计")
_UNIT_SUFFIXES = ("万元", "万", "元")  # "元" only after a 亿 has been handled; see parse
_NOTE = re.compile(r"(.+?)[(\[【]([^()\[\]【】]{1,16})[)\]】]")
_DIGIT = re.compile(r"\d")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


class NumState(Enum):
    """What a cell held."""

    VALUE = "value"  # a number
    BLANK = "blank"  # empty or whitespace
    NONE = "none"  # an explicit "none" marker (—, /, 原址 …)
    TBD = "tbd"  # 待定: a figure that exists but is not known yet


@dataclass(frozen=True)
class Num:
    state: NumState
    value: Decimal | None = None
    approx: bool = False  # written as "约…"
    raw: object = None
    note: str | None = None  # a bracketed note after the figure ("6500(含土地)" → "含土地")

    @property
    def known(self) -> bool:
        return self.state is NumState.VALUE


class NumberFormatError(ValueError):
    """The text cannot be read as a number; ``found`` holds what was there, ``code`` says why
    (a stable key for messages: not_a_number, bad_grouping, required, negative, too_large,
    too_fine, not_finite, percent_range)."""

    def __init__(self, found: object, why: str = "not a number", code: str | None = None):
        super().__init__(f"{why}: {found!r}")
        self.found = found
        self.why = why
        self.code = code or _NUMBER_CODES.get(why.split(" (")[0], "not_a_number")


_NUMBER_CODES = {"not a number": "not_a_number", "not a finite number": "not_finite",
                 "an amount is required": "required", "a negative amount": "negative",
                 "too large": "too_large", "finer than one cent": "too_fine",
                 "a percent is required": "required",
                 "a percent must be between 0 and 100": "percent_range",
                 "a comma must group three digits": "bad_grouping"}
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")


_WHITESPACE = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """NFKC (full-width digits and punctuation to ASCII), and no whitespace at all."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))


def decimal_from_float(value: float) -> Decimal:
    """A float from a spreadsheet cell, as the decimal a person typed (rounded to the cent)."""
    if value != value or value in (float("inf"), float("-inf")):
        raise NumberFormatError(value, "not a finite number")
    d = Decimal(repr(value))
    exponent = d.as_tuple().exponent  # an int: d is finite
    if isinstance(exponent, int) and exponent < -SCALE:  # binary noise such as 4511.999999999
        d = d.quantize(QUANTUM, rounding=ROUND_HALF_UP)
    return d.normalize() if d == d.to_integral() else d


def read_number(raw: object) -> Num:
    """Classify and read one cell or one typed value.  Raises NumberFormatError."""
    if raw is None:
        return Num(NumState.BLANK, raw=raw)
    if isinstance(raw, bool):
        raise NumberFormatError(raw, "not a number")
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise NumberFormatError(raw, "not a finite number")
        return Num(NumState.VALUE, raw, raw=raw)
    if isinstance(raw, int):
        return Num(NumState.VALUE, Decimal(raw), raw=raw)
    if isinstance(raw, float):
        return Num(NumState.VALUE, decimal_from_float(raw), raw=raw)
    if not isinstance(raw, str):
        raise NumberFormatError(raw, "not a number")
    text = normalize_text(raw)
    if text.startswith("'"):  # "'28000": the apostrophe a spreadsheet uses to mark text
        text = text[1:]
    if not text:
        return Num(NumState.BLANK, raw=raw)
    low = text.lower()
    if low in NONE_MARKERS or set(text) <= set("—–-―─/／"):
        return Num(NumState.NONE, raw=raw)
    if low in TBD_MARKERS or text in SEE_REMARKS:
        return Num(NumState.TBD, raw=raw)
    approx = False
    note = None
    if (m := _NOTE.fullmatch(text)) and _DIGIT.search(m[1]):  # "6500(含土地)", "4200万元(估算)"
        text, note = m[1], m[2]
    for prefix in _APPROX_PREFIXES:
        if text.startswith(prefix):
            text, approx = text[len(prefix):], True
            break
    if text.endswith(("以上", "左右")):
        text, approx = text[:-2], True
    multiplier = Decimal(1)
    if text.endswith("亿元"):
        text, multiplier = text[:-2], Decimal(10000)
    elif text.endswith("亿"):
        text, multiplier = text[:-1], Decimal(10000)
    else:
        for suffix in _UNIT_SUFFIXES[:2]:
            if text.endswith(suffix):
                text = text[: -len(suffix)]
                break
    if text.endswith(("以上", "左右")):
        text, approx = text[:-2], True
    if "," in text:  # "3,600" groups thousands; "120,5" or "12,05" is not 1,205
        if not _GROUPED.fullmatch(text):
            raise NumberFormatError(raw, "a comma must group three digits")
        text = text.replace(",", "")
    if not _NUMBER.match(text):
        raise NumberFormatError(raw)
    try:
        value = Decimal(text) * multiplier
    except InvalidOperation as exc:  # pragma: no cover - guarded by the regex
        raise NumberFormatError(raw) from exc
    return Num(NumState.VALUE, value, approx=approx, raw=raw, note=note)


def parse_amount(raw: object, *, allow_negative: bool = False) -> Decimal:
    """Read a typed amount (万元) that must be present: CLI and forms.  Raises NumberFormatError."""
    num = read_number(raw)
    if num.state is not NumState.VALUE or num.value is None:
        raise NumberFormatError(raw, "an amount is required")
    if num.note:  # "6500(含土地)" typed as an amount: say the figure alone
        raise NumberFormatError(raw, "a note in brackets is not part of an amount", code="note")
    value = num.value
    if value < 0 and not allow_negative:
        raise NumberFormatError(raw, "a negative amount")
    return check_precision(value, raw)


def check_precision(value: Decimal, raw: object = None) -> Decimal:
    """Money is kept to the cent and below MAX_AMOUNT; finer amounts are refused rather than
    rounded silently, larger ones rather than overflowing the database's integer column."""
    if not value.is_finite() or abs(value) >= MAX_AMOUNT:
        raise NumberFormatError(raw if raw is not None else value,
                                "too large (at most 999,999,999,999 万元)")
    if value != value.quantize(QUANTUM, rounding=ROUND_HALF_UP):
        raise NumberFormatError(raw if raw is not None else value, "finer than one cent (6 decimals of 万元)")
    return value


def quantize(value: Decimal) -> Decimal:
    return value.quantize(QUANTUM, rounding=ROUND_HALF_UP)


def to_plain(value: Decimal | None) -> str | None:
    """A decimal as a plain string without exponent or trailing zeros ("1200", "0.4", "12.5")."""
    if value is None:
        return None
    if value == 0:
        return "0"
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_wan(value: Decimal | None, decimals: int = 2, blank: str = "—") -> str:
    """A money figure for display: thousands separators, fixed decimals."""
    if value is None:
        return blank
    q = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return f"{q:,.{decimals}f}"


def format_rate(value: Decimal | None, decimals: int = 1, blank: str = "—") -> str:
    """A fraction as a percent: Decimal("0.4") → "40.0%"."""
    if value is None:
        return blank
    q = (value * 100).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return f"{q:,.{decimals}f}%"
