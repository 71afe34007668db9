"""Parsers for form fields: amounts, dates, years and percents as officers write them
(DOMAIN.md), read by the same parser as the command line and the progress sheets
(projtrack.typed), each raising ``Invalid`` with that parser's message in the display
language — the field, what was typed and why it cannot be read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from projtrack.core.money import NumberFormatError, parse_amount
from projtrack.core.text import clean_text
from projtrack.tui.widgets.forms import Invalid
from projtrack.typed import Refused, read_amount, read_date, read_percent, read_year

Tr = Callable[..., str]


def _invalid(tr: Tr, exc: Refused) -> Invalid:
    return Invalid(exc.render(_lang(tr)))


def _lang(tr: Tr) -> str | None:
    """The display language of ``tr`` (the app's ``tr`` is bound to the app)."""
    app = getattr(tr, "__self__", None)
    return getattr(app, "lang", None)


def amount(tr: Tr, *, optional: bool = False, field: str = "amount"
           ) -> Callable[[str], Decimal | None]:
    def parse(raw: str) -> Decimal | None:
        if optional and not raw.strip():
            return None
        try:
            return read_amount(raw, field)
        except Refused as exc:
            raise _invalid(tr, exc) from exc
    return parse


def date(tr: Tr, *, optional: bool = False, field: str = "date"
         ) -> Callable[[str], dt.date | None]:
    def parse(raw: str) -> dt.date | None:
        if optional and not raw.strip():
            return None
        try:
            return read_date(raw, field)
        except Refused as exc:
            raise _invalid(tr, exc) from exc
    return parse


def year(tr: Tr) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        try:
            return read_year(raw)
        except Refused as exc:
            raise _invalid(tr, exc) from exc
    return parse


def percent(tr: Tr) -> Callable[[str], Decimal | None]:
    def parse(raw: str) -> Decimal | None:
        if not raw.strip():
            return None
        try:
            return read_percent(raw)
        except Refused as exc:
            raise _invalid(tr, exc) from exc
    return parse


def whole(tr: Tr) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        try:
            value = parse_amount(raw)
        except NumberFormatError as exc:
            raise Invalid(tr("form.bad_number", found=raw)) from exc
        if value != value.to_integral_value() or value <= 0:
            raise Invalid(tr("form.bad_number", found=raw))
        return int(value)
    return parse


def text(raw: str) -> str | None:
    return clean_text(raw) or None
