"""Which county (区县) an annex names: in a title row above its header ("平阳县“十四五”教育
事业发展规划项目安排表"), in a sheet's name or in the file's name.  A name is the words up to
the first 县, 区, 市 or 旗 at the start of the text ("温州市区…" names 温州市, "温州市鹿城区…" 鹿城区), after a table
number such as "附件1:"; a text naming none ("附件", "单位:万元") gives None."""

from __future__ import annotations

import re

from projtrack.core.money import normalize_text

_PREFIX = re.compile(r"^(?:附?表|附件)[一二三四五六七八九十\d]{0,3}[:、.\s]*")
_PERIOD = re.compile(r"^(?:\d{4}(?:年度|年)?(?:[-—~至到]\d{4}(?:年度|年)?)?|十[一二三四五六七八九]五)(?:时期|期间|年度)?")
_NAME = re.compile(r"^([^\W\d_]{1,8}?(?:自治县|县|区|市|旗))")
_NOT_A_PLACE = frozenset({"城区", "市区", "校区", "园区", "社区", "学区", "片区", "新区", "全县",
                          "全区", "全市", "本县", "本区", "本市", "县", "区", "市", "旗"})
_QUOTES = str.maketrans("", "", "“”‘’\"'《》")


def county_named(text: object) -> str | None:
    """The county ``text`` starts with, or None."""
    if not isinstance(text, str):
        return None
    plain = _PREFIX.sub("", normalize_text(text).translate(_QUOTES).strip())
    plain = _PERIOD.sub("", plain)  # "“十四五”时期平阳县…", "2021-2025年平阳县…"
    m = _NAME.match(plain)
    if not m or m[1] in _NOT_A_PLACE or len(m[1]) < 2 or m[1].startswith(("某", "本")):
        return None  # "某县…": a county not named
    if len(m[1]) == 2 and m[1].endswith("市"):
        return None  # "古市", "新市": a township's short name, no county-level city
    if m[1].endswith("市") and (inner := _NAME.match(plain[m.end():])) \
            and inner[1] not in _NOT_A_PLACE and len(inner[1]) >= 2:
        return inner[1]  # "温州市鹿城区…": the county within the city
    return m[1]


def valid_county(name: str) -> bool:
    """Whether ``name`` can be a county's name as an officer gives it (``--county``): one word
    of 2 to 20 characters, no spaces, no digits only."""
    name = name.strip()
    return 2 <= len(name) <= 20 and not any(ch.isspace() for ch in name) and not name.isdigit()
