"""Parsers for form fields: amounts, dates, years and percents as officers write them
(DOMAIN.md), each raising ``Invalid`` with a message in the display language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from projtrack.core.money import NumberFormatError, parse_amount
from projtrack.core.text import clean_text
from projtrack.core.units import DateFormatError, parse_date, parse_percent
from projtrack.tui.widgets.forms import Invalid

Tr = Callable[..., str]


def amount(tr: Tr, *, optional: bool = False) -> Callable[[str], Decimal | None]:
    def parse(raw: str) -> Decimal | None:
        if optional and not raw.strip():
            return None
        try:
            return parse_amount(raw)
        except NumberFormatError as exc:
            why = exc.why
            key = ("form.required" if "required" in why else "form.negative" if "negative" in why
                   else "form.too_fine" if "cent" in why else "form.bad_amount")
            raise Invalid(tr(key, found=raw)) from exc
    return parse


def date(tr: Tr, *, optional: bool = False) -> Callable[[str], dt.date | None]:
    def parse(raw: str) -> dt.date | None:
        if not raw.strip():
            if optional:
                return None
            raise Invalid(tr("form.required"))
        try:
            day = parse_date(raw)
        except DateFormatError as exc:
            raise Invalid(tr("form.bad_date", found=raw)) from exc
        if not 1900 < day.year < 2200:
            raise Invalid(tr("form.bad_date", found=raw))
        return day
    return parse


def year(tr: Tr) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        text = raw.strip().removesuffix("年")
        if not text.isdigit() or not 1900 < int(text) < 2200:
            raise Invalid(tr("form.bad_year", found=raw))
        return int(text)
    return parse


def percent(tr: Tr) -> Callable[[str], Decimal | None]:
    def parse(raw: str) -> Decimal | None:
        if not raw.strip():
            return None
        try:
            return parse_percent(raw)
        except NumberFormatError as exc:
            raise Invalid(tr("form.bad_percent", found=raw)) from exc
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
