"""The CJK font the PDF embeds, so that it renders on a machine without any Chinese font.

Found, in order: ``PROJTRACK_PDF_FONT`` (a .ttf/.otf/.ttc path, ``path#N`` for face N of a
collection); Noto Sans CJK SC from the ``noto-cjk-sans-otc`` package (OFL 1.1; installed with
projtrack, face 2 of its collection); common system locations.  fpdf2 embeds only the glyphs
a report uses (a subset of some tens of KB).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from projtrack.errors import BadData

ENV = "PROJTRACK_PDF_FONT"
NOTO_SC_FACE = 2  # NotoSansCJK-Regular.ttc: JP, KR, SC, TC, HK, then the Mono faces

SYSTEM_FONTS = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", NOTO_SC_FACE),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", NOTO_SC_FACE),
    ("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc", NOTO_SC_FACE),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/System/Library/Fonts/PingFang.ttc", 0),
    ("C:/Windows/Fonts/simsun.ttc", 0),
)


@dataclass(frozen=True)
class FontFile:
    path: Path
    face: int = 0


def _from_env(value: str) -> FontFile:
    path, _, face = value.partition("#")
    found = FontFile(Path(path).expanduser(), int(face) if face.isdigit() else 0)
    if not found.path.is_file():
        raise BadData("report.font_missing", path=str(found.path), env=ENV)
    return found


def _packaged() -> FontFile | None:
    try:
        import noto_cjk_sans_otc
    except ImportError:
        return None
    path = Path(str(noto_cjk_sans_otc.FONT_PATH))
    return FontFile(path, NOTO_SC_FACE) if path.is_file() else None


def find_cjk_font() -> FontFile:
    """The font to embed.  Raises BadData (report.no_font) when there is none."""
    value = os.environ.get(ENV, "").strip()
    if value:
        return _from_env(value)
    found = _packaged()
    if found is not None:
        return found
    for path, face in SYSTEM_FONTS:
        if Path(path).is_file():
            return FontFile(Path(path), face)
    raise BadData("report.no_font", env=ENV)
