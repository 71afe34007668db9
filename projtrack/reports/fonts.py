"""The CJK fonts the PDF embeds, a regular and a bold face, so that it renders on a machine
without any Chinese font.

Found, in order:

1. ``PROJTRACK_PDF_FONT`` (regular) and ``PROJTRACK_PDF_FONT_BOLD`` (bold): a .ttf/.otf/.ttc
   path, ``path#N`` for face N of a collection.  Without the bold one, bold text is set in the
   regular face.
2. Noto Sans CJK SC (or Source Han Sans SC) Regular and Bold installed on the system: the usual
   paths (Debian and Ubuntu's fonts-noto-cjk, Fedora, Arch), then fontconfig (``fc-match``).
3. Noto Sans SC as Google Fonts builds it (OFL 1.1), from the ``justmytype-intl-cjk`` package
   installed with projtrack.  It is a variable font; a static Regular (weight 400) and Bold (700)
   are made from it once, about ten seconds each, and kept in the user's cache folder.  Where that
   folder cannot be written, fpdf2 makes the instance in memory for each report instead.
4. A system CJK font with a regular face only (WenQuanYi, PingFang, SimSun).

fpdf2 embeds only the glyphs a report uses (a subset of some tens of KB per face).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from projtrack.errors import BadData

ENV = "PROJTRACK_PDF_FONT"
ENV_BOLD = "PROJTRACK_PDF_FONT_BOLD"
NOTO_SC_FACE = 2  # NotoSansCJK-{Regular,Bold}.ttc: JP, KR, SC, TC, HK, then the Mono faces
REGULAR, BOLD = 400, 700  # OS/2 weight classes

_NOTO = "/usr/share/fonts/{}/NotoSansCJK-{}.ttc"
SYSTEM_PAIRS = tuple(
    ((_NOTO.format(d, "Regular"), NOTO_SC_FACE), (_NOTO.format(d, "Bold"), NOTO_SC_FACE))
    for d in ("opentype/noto", "noto-cjk", "google-noto-cjk")
) + (
    (("/usr/share/fonts/adobe-source-han-sans/SourceHanSansSC-Regular.otf", 0),
     ("/usr/share/fonts/adobe-source-han-sans/SourceHanSansSC-Bold.otf", 0)),
    (("C:/Windows/Fonts/msyh.ttc", 0), ("C:/Windows/Fonts/msyhbd.ttc", 0)),
)
FC_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC")
SYSTEM_REGULAR_ONLY = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/System/Library/Fonts/PingFang.ttc", 0),
    ("C:/Windows/Fonts/simsun.ttc", 0),
)
PACKAGE = "justmytype_intl_cjk"
PACKAGED_FONT = ("fonts", "ofl", "notosanssc", "NotoSansSC[wght].ttf")


@dataclass(frozen=True)
class FontFile:
    """One face: a file, the face's index in a collection, and for a variable font the weight
    to instantiate (``None``: the file is static)."""

    path: Path
    face: int = 0
    weight: int | None = None


@dataclass(frozen=True)
class CjkFonts:
    regular: FontFile
    bold: FontFile | None = None  # None: bold text is set in the regular face
    source: str = "system"  # env, system, package


def _from_env(value: str) -> FontFile:
    path, _, face = value.partition("#")
    found = FontFile(Path(path).expanduser(), int(face) if face.isdigit() else 0)
    if not found.path.is_file():
        raise BadData("report.font_missing", path=str(found.path), env=ENV)
    return found


def _env() -> CjkFonts | None:
    regular = os.environ.get(ENV, "").strip()
    bold = os.environ.get(ENV_BOLD, "").strip()
    if not regular:
        if bold:
            raise BadData("report.font_bold_alone", env=ENV, env_bold=ENV_BOLD)
        return None
    return CjkFonts(_from_env(regular), _from_env(bold) if bold else None, "env")


def _fc_match(family: str, style: str) -> FontFile | None:
    """fontconfig's file for ``family`` in ``style``, if it is that family (fc-match always
    answers, with its nearest font)."""
    try:
        out = subprocess.run(["fc-match", "--format=%{file}\n%{index}\n%{family}\n%{style}",
                              f"{family}:style={style}"], capture_output=True, text=True,
                             timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    lines = out.split("\n")
    if len(lines) < 4 or family not in lines[2].split(",") or style not in lines[3]:
        return None
    path = Path(lines[0])
    return FontFile(path, int(lines[1]) if lines[1].isdigit() else 0) if path.is_file() else None


def _system() -> CjkFonts | None:
    for (reg, reg_face), (bold_path, bold_face) in SYSTEM_PAIRS:
        if Path(reg).is_file() and Path(bold_path).is_file():
            return CjkFonts(FontFile(Path(reg), reg_face), FontFile(Path(bold_path), bold_face))
    if shutil.which("fc-match"):
        for family in FC_FAMILIES:
            regular, bold = _fc_match(family, "Regular"), _fc_match(family, "Bold")
            if regular and bold:
                return CjkFonts(regular, bold)
    return None


def cache_dir() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path("projtrack", appauthor=False) / "fonts"


def static_instance(font: FontFile) -> FontFile:
    """``font`` as a static font file: itself when it is one, else the instance at its weight
    from the cache, made there the first time.  When the cache cannot be written, ``font``
    itself, which fpdf2 then instantiates in memory.

    An instance is named by what identifies the font's content (its size and the whole-file
    checksum and revision in its ``head`` table), so every installation of the same font shares
    one; making it for a new version of the font removes those of older versions."""
    if font.weight is None:
        return font
    from fontTools.ttLib import TTFont

    vf = TTFont(font.path, fontNumber=font.face, lazy=True)
    head = vf["head"]
    key = hashlib.sha256(f"{font.path.stat().st_size}|{head.checkSumAdjustment}|"
                         f"{head.fontRevision}|{font.face}".encode()).hexdigest()[:16]
    name = font.path.stem.split("[")[0]
    folder = cache_dir()
    dest = folder / f"{name}-{font.weight}-{key}.ttf"
    if dest.is_file():
        return FontFile(dest)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return font
    from fontTools.varLib import instancer

    vf = TTFont(font.path, fontNumber=font.face)
    instancer.instantiateVariableFont(vf, {"wght": font.weight}, inplace=True, static=True,
                                      updateFontNames=True)
    part = dest.with_name(f"{dest.name}.{os.getpid()}.part")
    try:
        vf.save(part)
        os.replace(part, dest)  # another process making the same file meanwhile is harmless
    except OSError:
        part.unlink(missing_ok=True)
        return font
    for older in folder.glob(f"{name}-{font.weight}-*.ttf"):
        if older != dest:
            older.unlink(missing_ok=True)
    return FontFile(dest)


def _packaged() -> CjkFonts | None:
    try:
        path = Path(str(files(PACKAGE).joinpath(*PACKAGED_FONT)))
    except ModuleNotFoundError:
        return None
    if not path.is_file():
        return None
    return CjkFonts(static_instance(FontFile(path, weight=REGULAR)),
                    static_instance(FontFile(path, weight=BOLD)), "package")


def find_cjk_fonts() -> CjkFonts:
    """The faces to embed.  Raises BadData (report.no_font) when there is none."""
    for source in (_env, _system, _packaged):
        found = source()
        if found is not None:
            return found
    for path, face in SYSTEM_REGULAR_ONLY:
        if Path(path).is_file():
            return CjkFonts(FontFile(Path(path), face))
    raise BadData("report.no_font", env=ENV)
