"""Units and dates as officers write them.

* Land in 亩 (1 亩 = 10,000/15 m²), floor area in m² (平方米, ㎡, m2, m², or 万平方米 = 10,000 m²).
* Dates: 2024-03-01, 2024/3/1, 2024.3.1, 2024年3月1日, 20240301, date/datetime objects and Excel
  serial numbers.  Month-only forms (2024.3, 2024年3月) are accepted where a caller asks for them.
* Year ranges for 建设起止年限: 2021-2023, 2021—2023, 2021年-2023年, 2021.3-2023.8, 2020~2022.

dateutil is used only as a last resort and never in fuzzy mode (it silently turns "2021.03" into
2021-01-01).
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from dateutil import parser as _dateutil_parser

from projtrack.core.money import NumberFormatError, normalize_text, read_number

SQM_PER_MU = Decimal(10000) / Decimal(15)
EXCEL_EPOCH = dt.date(1899, 12, 30)


class DateFormatError(ValueError):
    """A date or year that cannot be read; ``code`` says why (a stable key for messages:
    not_a_date, required, no_year, ambiguous_order, no_such_day, no_day, no_such_month,
    not_a_range, range_backwards, not_a_year)."""

    def __init__(self, found: object, why: str = "not a date", code: str | None = None):
        super().__init__(f"{why}: {found!r}")
        self.found = found
        self.why = why
        self.code = code or _DATE_CODES.get(why, "not_a_date")


_DATE_CODES = {"not a date": "not_a_date", "a date is required": "required",
               "no such day": "no_such_day", "a day is missing": "no_day",
               "no such month": "no_such_month", "not a year range": "not_a_range",
               "the range ends before it starts": "range_backwards", "not a year": "not_a_year",
               "the year is missing": "no_year",
               "day and month could be read either way": "ambiguous_order"}
_NO_YEAR = re.compile(r"^\d{1,2}[-/.]\d{1,2}$|^\d{1,2}月\d{1,2}日?$|^\d{1,2}[-/.]\d{1,2}[-/.]\d{2}$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")  # 27/11/2024 or 11/27/2024


_DASHES = "-—–―─~～至到"
_YMD = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_YMD_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YM = re.compile(r"^(\d{4})[-/.年](\d{1,2})月?(?:份)?$")


def _clean(text: str) -> str:
    return normalize_text(unicodedata.normalize("NFKC", text))


def parse_date(raw: object, *, month_end: bool | None = None) -> dt.date:
    """Read a date.  Month-only text is refused unless ``month_end`` says which day to take
    (False → the 1st, True → the last day of the month).  Raises DateFormatError."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if 1 <= raw < 2958466:  # Excel serial day numbers (1900 date system)
            return EXCEL_EPOCH + dt.timedelta(days=int(raw))
        raise DateFormatError(raw)
    if not isinstance(raw, str):
        raise DateFormatError(raw)
    text = _clean(raw)
    if not text:
        raise DateFormatError(raw, "a date is required")
    m = _YMD.match(text) or _YMD_COMPACT.match(text)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError as exc:
            raise DateFormatError(raw, "no such day") from exc
    if _NO_YEAR.match(text):  # "11/27", "11月27日", "11/27/24": never year 1 or a guessed century
        raise DateFormatError(raw, "the year is missing")
    m = _DMY.match(text)
    if m:
        a, b, year = int(m[1]), int(m[2]), int(m[3])
        if a > 12 >= b or a == b:
            day, month = a, b
        elif b > 12 >= a:
            month, day = a, b
        else:  # 03/04/2024: 3 April or 4 March
            raise DateFormatError(raw, "day and month could be read either way")
        try:
            return dt.date(year, month, day)
        except ValueError as exc:
            raise DateFormatError(raw, "no such day") from exc
    m = _YM.match(text)
    if m:
        if month_end is None:
            raise DateFormatError(raw, "a day is missing")
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise DateFormatError(raw, "no such month")
        day = _calendar.monthrange(year, month)[1] if month_end else 1
        return dt.date(year, month, day)
    if re.fullmatch(r"\d{4}", text) or re.fullmatch(r"\d+(\.\d+)?", text):
        raise DateFormatError(raw)
    if re.search(r"[\u4e00-\u9fff]", text):
        raise DateFormatError(raw)
    try:  # ISO with time, "1 Mar 2024" …; strict, not fuzzy
        parsed = _dateutil_parser.parse(text, fuzzy=False, default=dt.datetime(1, 1, 1)).date()
    except (ValueError, OverflowError) as exc:
        raise DateFormatError(raw) from exc
    if not re.search(r"\d{4}", text):  # "Nov 27": dateutil would give year 1
        raise DateFormatError(raw, "the year is missing")
    return parsed


@dataclass(frozen=True)
class YearRange:
    start_year: int
    end_year: int
    start_month: int | None = None
    end_month: int | None = None


_RANGE_PART = r"(\d{4})(?:年)?(?:[.\-/年](\d{1,2})(?:月)?)?"
_RANGE = re.compile(rf"^{_RANGE_PART}(?:[{_DASHES}]+|年?[{_DASHES}]+){_RANGE_PART}年?$")
_SINGLE = re.compile(rf"^{_RANGE_PART}年?$")
_RANGE_SHORT = re.compile(rf"^(\d{{4}})年?(?:[{_DASHES}]+|年?[{_DASHES}]+)(\d{{2}})年?$")  # 2021-23


def parse_year_range(raw: object) -> YearRange:
    """建设起止年限 → YearRange.  A single year means start and end in that year."""
    if isinstance(raw, int) and not isinstance(raw, bool) and 1900 < raw < 2200:
        return YearRange(raw, raw)
    if isinstance(raw, float) and raw.is_integer() and 1900 < raw < 2200:
        return YearRange(int(raw), int(raw))
    if not isinstance(raw, str):
        raise DateFormatError(raw, "not a year range")
    text = _clean(raw).replace("年度", "年")
    m = _RANGE.match(text)
    short = None if m else _RANGE_SHORT.match(text)
    if m:
        sy, sm, ey, em = int(m[1]), m[2], int(m[3]), m[4]
        result = YearRange(sy, ey, int(sm) if sm else None, int(em) if em else None)
    elif short and int(short[2]) > 12 and int(short[2]) >= int(short[1]) % 100:
        # "2021-23", "2022～24": the end year's last two digits (a number up to 12 could be a
        # month, "2021-12", and is read as one below)
        start = int(short[1])
        result = YearRange(start, start - start % 100 + int(short[2]))
    else:
        m = _SINGLE.match(text)
        if not m:
            raise DateFormatError(raw, "not a year range")
        result = YearRange(int(m[1]), int(m[1]), int(m[2]) if m[2] else None, None)
    if result.end_year < result.start_year:
        raise DateFormatError(raw, "the range ends before it starts")
    for month in (result.start_month, result.end_month):
        if month is not None and not 1 <= month <= 12:
            raise DateFormatError(raw, "no such month")
    return result


def parse_year(raw: object) -> int:
    """A year cell: 2021, "2021", "2021年", 2021.0."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        year = raw
    elif isinstance(raw, float) and raw.is_integer():
        year = int(raw)
    elif isinstance(raw, str):
        m = re.fullmatch(r"(\d{4})年?(?:[.\-/]\d{1,2}月?)?", _clean(raw))
        if not m:
            raise DateFormatError(raw, "not a year")
        year = int(m[1])
    elif isinstance(raw, (dt.date, dt.datetime)):
        year = raw.year
    else:
        raise DateFormatError(raw, "not a year")
    if not 1900 < year < 2200:
        raise DateFormatError(raw, "not a year")
    return year


# --- quantities inside 建设内容及规模 -------------------------------------------------------

_AREA = re.compile(
    r"(?:总?建筑面积|建面|面积)\s*(?:约|近|为|达)?\s*(\d+(?:\.\d+)?)\s*(万)?\s*(?:平方米|平米|㎡|m2|m²)",
    re.IGNORECASE,
)
_LAND = re.compile(r"(?:用地|占地|用地面积|占地面积)\s*(?:约|近|为)?\s*(\d+(?:\.\d+)?)\s*亩")
_CLASSES = re.compile(r"(?:设|新增|增设|共|办学规模)?\s*(?:约)?\s*(\d+)\s*个?\s*(?:教学)?班")
_PLACES = re.compile(r"(?:新增|提供)?\s*(?:学位|学额)\s*(\d+)\s*个?|(\d+)\s*个\s*学位")


def parse_area_m2(raw: object) -> Decimal:
    """A floor-area cell in m²: 25400, "2.54万平方米", "25400㎡", "25,400 m2"."""
    if isinstance(raw, str):
        text = _clean(raw)
        m = re.fullmatch(r"(?:约)?(\d+(?:\.\d+)?)(万)?(?:平方米|平米|㎡|m2|m²)?", text.replace(",", ""),
                         re.IGNORECASE)
        if m:
            value = Decimal(m[1])
            return value * 10000 if m[2] else value
    num = read_number(raw)
    if num.value is None:
        raise NumberFormatError(raw)
    return num.value


def area_from_content(text: str | None) -> Decimal | None:
    """Total floor area (m²) named in a 建设内容及规模 text, or None."""
    if not text:
        return None
    m = _AREA.search(unicodedata.normalize("NFKC", text).replace(",", ""))
    if not m:
        return None
    value = Decimal(m[1])
    return value * 10000 if m[2] else value


def land_from_content(text: str | None) -> Decimal | None:
    if not text:
        return None
    m = _LAND.search(unicodedata.normalize("NFKC", text))
    return Decimal(m[1]) if m else None


def classes_from_content(text: str | None) -> int | None:
    """Number of classes (班) named in 建设内容及规模 ("设27个班", "新增3个班"), or None."""
    if not text:
        return None
    m = _CLASSES.search(unicodedata.normalize("NFKC", text))
    return int(m[1]) if m else None


def places_from_content(text: str | None) -> int | None:
    if not text:
        return None
    m = _PLACES.search(unicodedata.normalize("NFKC", text))
    if not m:
        return None
    return int(m[1] or m[2])


def mu_to_m2(mu: Decimal) -> Decimal:
    return mu * SQM_PER_MU


def parse_percent(raw: object) -> Decimal:
    """形象进度 percent as a fraction: "40", "40%", "４０％", 40 → Decimal("0.4").
    Raises NumberFormatError when outside 0–100 %."""
    if isinstance(raw, str):
        text = _clean(raw)
        text = text.removesuffix("%")
        num = read_number(text)
    else:
        num = read_number(raw)
    if num.value is None:
        raise NumberFormatError(raw, "a percent is required")
    value = num.value
    if value < 0 or value > 100:
        raise NumberFormatError(raw, "a percent must be between 0 and 100")
    return value / 100
