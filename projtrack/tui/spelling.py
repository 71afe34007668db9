"""Pinyin for the portfolio filter: "aj" (initials) and "aojiang" (full pinyin) find 鳌江.

pypinyin reads each word by its phrase dictionary (重庆 chongqing, 长江 changjiang), so words
are read whole: a text is cut into words (pypinyin's own segmenter), and each word's reading is
worked out once and kept, as is each text's — project names share most of their words (…镇,
小学, 迁建, 工程), and the index is built again after every change of a project, so after the
first build a text costs a dictionary look-up.  Letters and digits in a text stay as they are
(lower case); spaces go, as in the filter.
"""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=65_536)
def _word(word: str) -> tuple[str, str]:
    plain = "".join(word.split()).lower()
    if not any(_HAN_FIRST <= ch <= _HAN_LAST for ch in word):
        return MARK + plain, plain  # letters, digits, punctuation: as they are
    from pypinyin import lazy_pinyin

    syllables = ["".join(s.split()).lower() for s in lazy_pinyin(word)]
    return "".join(MARK + s for s in syllables), "".join(s[:1] for s in syllables)


_HAN_FIRST, _HAN_LAST = "\u3400", "\u9fff"  # CJK unified ideographs (and extension A)


MARK = "\x1e"  # before each syllable of the full reading


@lru_cache(maxsize=65_536)
def spell(text: str) -> tuple[str, str]:
    """``text`` in full pinyin, each syllable after a MARK, and in initials, without tones or
    spaces: "鳌江镇" → ("\x1eao\x1ejiang\x1ezhen", "ajz")."""
    from pypinyin.seg.simpleseg import seg

    parts = [_word(w) for w in seg(text)]
    return "".join(p[0] for p in parts), "".join(p[1] for p in parts)


def full_pattern(needle: str) -> re.Pattern[str]:
    """What finds ``needle`` (letters, lower case) in a full reading from the start of a
    syllable, across syllables: "aojiang" and "aoj" find 鳌江 (ao jiang), not 萧江 (xiao jiang)."""
    return re.compile(re.escape(MARK) + (re.escape(MARK) + "?").join(map(re.escape, needle)))
