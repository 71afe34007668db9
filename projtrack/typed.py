"""What an officer types — a date, an amount, a percent, a year — read by the one parser
(``core.units.parse_date``, ``core.money.parse_amount`` / ``read_number``, ``parse_percent``)
for the command line, the forms and the progress sheets alike, and refused with a message made
from the parser's code (``why.<kind>.<code>`` in the catalogs), never from its English text.
The message names the field (``field.<name>``, and the option where there is one) and the
value as it was typed.

Also what an entry must have confirmed before it is saved (``Concern``, ``Unconfirmed``): a date
outside the project's years (``--force``), a correction (``--correction``), a warning (the forms
ask; the command line prints it and saves).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from projtrack.core.money import NumberFormatError, parse_amount
from projtrack.core.units import DateFormatError, parse_date, parse_percent, parse_year
from projtrack.errors import BadData

YEARS = (1900, 2200)  # a typed year outside these is a slip, not a date
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


def _shown(found: object) -> str:
    if isinstance(found, (dt.date, dt.datetime)):
        return found.isoformat()[:10]
    return "" if found is None else str(found)


class Refused(BadData):
    """A typed value the parser refused.  ``kind`` is date, amount, percent or year; ``code``
    the parser's (core.units.DateFormatError / core.money.NumberFormatError); ``option`` the
    command-line option it came from, if any.  ``exit_code`` 1 (bad data) unless the caller
    says otherwise (a command-line date is a usage error, 2)."""

    def __init__(self, field_name: str, found: object, kind: str, code: str, *,
                 option: str | None = None, exit_code: int = 1, **extra: object):
        self.field = field_name
        self.found = found
        self.kind = kind
        self.code = code
        self.option = option
        self.extra = extra
        self.exit_code = exit_code
        super().__init__("err.refused", field=field_name, found=_shown(found), code=code)

    def why(self, lang: str | None = None) -> str:
        from projtrack.i18n import catalog, t

        key = f"why.{self.kind}.{self.code}"
        if key not in catalog("en"):
            key = f"why.amount.{self.code}" if f"why.amount.{self.code}" in catalog("en") \
                else f"why.{self.kind}.not_a_{self.kind}"
        return t(key, lang=lang, found=_shown(self.found), **self.extra)

    def label(self, lang: str | None = None) -> str:
        from projtrack.i18n import t

        name = t(f"field.{self.field}", lang=lang)
        return t("err.field_option", lang=lang, field=name, option=self.option) if self.option \
            else name

    def render(self, lang: str | None = None) -> str:
        from projtrack.i18n import t

        return t("err.refused", lang=lang, field=self.label(lang), found=_shown(self.found),
                 why=self.why(lang))


def _readings(text: str) -> dict[str, str]:
    """The two dates "03/04/2024" could be, for the message."""
    m = _DMY.match(unicodedata.normalize("NFKC", text).strip())
    if not m:
        return {"readings": "?", "example": "2024/3/4"}
    a, b, year = int(m[1]), int(m[2]), int(m[3])
    first, second = dt.date(year, b, a), dt.date(year, a, b)  # day first; month first
    return {"readings": f"{first.isoformat()} / {second.isoformat()}",
            "example": f"{year}/{a}/{b}"}


def date_refused(exc: DateFormatError, field_name: str, *, option: str | None = None,
                 exit_code: int = 1) -> Refused:
    extra = _readings(str(exc.found)) if exc.code == "ambiguous_order" else {}
    return Refused(field_name, exc.found, "date", exc.code, option=option, exit_code=exit_code,
                   **extra)


def read_date(raw: object, field_name: str = "date", *, option: str | None = None,
              exit_code: int = 1, month_end: bool | None = None) -> dt.date:
    """A date as officers write it, with its year (11/27 is refused and asks for it; 03/04/2024
    is refused as it reads two ways).  Raises Refused."""
    try:
        day = parse_date(raw, month_end=month_end)
    except DateFormatError as exc:
        raise date_refused(exc, field_name, option=option, exit_code=exit_code) from exc
    if not YEARS[0] < day.year < YEARS[1]:
        raise Refused(field_name, raw, "date", "bad_year", option=option, exit_code=exit_code,
                      year=day.year)
    return day


def read_amount(raw: object, field_name: str = "amount", *, option: str | None = None,
                allow_negative: bool = False) -> Decimal:
    """An amount in 万元 (1,200.5, １２００, 约2000); a comma must group three digits.  Raises
    Refused."""
    try:
        return parse_amount(raw, allow_negative=allow_negative)
    except NumberFormatError as exc:
        raise Refused(field_name, raw, "amount", exc.code, option=option) from exc


def read_percent(raw: object, field_name: str = "percent", *,
                 option: str | None = None) -> Decimal:
    """形象进度 percent (40, 40%, ４０％) as a fraction.  Raises Refused."""
    try:
        return parse_percent(raw)
    except NumberFormatError as exc:
        raise Refused(field_name, raw, "percent", exc.code, option=option) from exc


def read_year(raw: object, field_name: str = "year", *, option: str | None = None) -> int:
    try:
        return parse_year(raw)
    except DateFormatError as exc:
        raise Refused(field_name, raw, "year", exc.code, option=option) from exc


# --- what must be confirmed before saving -----------------------------------------------------
FORCE, CORRECTION, WARNING = "force", "correction", "warning"


@dataclass(frozen=True)
class Label:
    """A parameter of a message said in the language it is shown in: a catalog key, or a
    domain word (``word=True``: 开工, 完成投资 …)."""

    key: str
    word: bool = False

    def text(self, lang: str | None = None) -> str:
        from projtrack.i18n import t, term

        return term(self.key, lang) if self.word else t(self.key, lang=lang)


@dataclass(frozen=True)
class Concern:
    """Something about an entry the officer must confirm: ``key`` and ``params`` say it (a
    catalog entry), ``confirm`` says what confirms it — FORCE (``--force``), CORRECTION
    (``--correction``; recorded as a correction) or WARNING (the forms ask; the command line
    prints it on stderr and saves)."""

    key: str
    params: dict = field(default_factory=dict)
    confirm: str = WARNING

    def text(self, lang: str | None = None) -> str:
        from projtrack.i18n import t

        params = {k: v.text(lang) if isinstance(v, Label) else v for k, v in self.params.items()}
        return t(self.key, lang=lang, **params)


class Unconfirmed(BadData):
    """Saving needs a confirmation that was not given; nothing was written.  ``issues`` lists
    what to confirm; rendered, each says which option confirms it."""

    def __init__(self, issues: Sequence[Concern]):
        self.issues = tuple(issues)
        super().__init__("err.unconfirmed")

    @property
    def confirms(self) -> frozenset[str]:
        return frozenset(i.confirm for i in self.issues)

    def render(self, lang: str | None = None) -> str:
        from projtrack.i18n import t

        return "\n".join(f"{i.text(lang)} {t(f'confirm.{i.confirm}', lang=lang)}"
                         for i in self.issues)

    def question(self, lang: str | None = None) -> str:
        """The issues and the question, as a form asks it."""
        from projtrack.i18n import t

        lines = [f"• {i.text(lang)}" for i in self.issues]
        return "\n".join([*lines, "", t("confirm.question", lang=lang)])
