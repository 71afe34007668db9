"""Which fonts the PDF embeds: the environment's, a system Noto Sans CJK SC pair, the packaged
Noto Sans SC made static at weights 400 and 700, a regular-only system font; and what is said
when there is none."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from projtrack.errors import BadData
from projtrack.reports import fonts
from projtrack.reports.fonts import ENV, ENV_BOLD, FontFile, find_cjk_fonts


@pytest.fixture(autouse=True)
def _no_environment(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    monkeypatch.delenv(ENV_BOLD, raising=False)


@pytest.fixture
def no_system(monkeypatch):
    """A machine without any system CJK font."""
    monkeypatch.setattr(fonts, "SYSTEM_PAIRS", ())
    monkeypatch.setattr(fonts, "SYSTEM_REGULAR_ONLY", ())
    monkeypatch.setattr(fonts.shutil, "which", lambda name: None)


@pytest.fixture
def packaged(no_system) -> fonts.CjkFonts:
    found = find_cjk_fonts()
    assert found.source == "package"
    return found


def _weight_and_name(font: FontFile) -> tuple[int, str]:
    tt = TTFont(font.path, fontNumber=font.face, lazy=True)
    return tt["OS/2"].usWeightClass, tt["name"].getDebugName(4)


def test_the_packaged_font_is_made_static_at_regular_and_bold(packaged):
    assert packaged.regular.weight is None and packaged.bold.weight is None  # static files
    assert _weight_and_name(packaged.regular) == (400, "Noto Sans SC Regular")
    assert _weight_and_name(packaged.bold) == (700, "Noto Sans SC Bold")
    assert "fvar" not in TTFont(packaged.bold.path, lazy=True)
    # made once: the next search finds the same files in the cache
    assert find_cjk_fonts() == packaged


def test_an_unwritable_cache_leaves_the_instance_to_fpdf2(packaged, monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setattr(fonts, "cache_dir", lambda: blocker / "fonts")
    source = Path(str(fonts.files(fonts.PACKAGE).joinpath(*fonts.PACKAGED_FONT)))
    found = find_cjk_fonts()
    assert found.regular == FontFile(source, 0, 400) and found.bold == FontFile(source, 0, 700)


def test_a_system_pair_comes_before_the_package(packaged, monkeypatch):
    pair = ((str(packaged.regular.path), 0), (str(packaged.bold.path), 0))
    monkeypatch.setattr(fonts, "SYSTEM_PAIRS", (pair,))
    found = find_cjk_fonts()
    assert found.source == "system"
    assert (found.regular.path, found.bold.path) == (packaged.regular.path, packaged.bold.path)


def test_fontconfig_answers_only_for_the_family_asked(monkeypatch, tmp_path):
    regular, bold = tmp_path / "r.ttc", tmp_path / "b.ttc"
    regular.write_bytes(b"")
    bold.write_bytes(b"")
    answers = {"Regular": f"{regular}\n2\nNoto Sans CJK SC,Noto Sans CJK SC Regular\nRegular",
               "Bold": f"{bold}\n2\nNoto Sans CJK SC\nBold"}

    def fc_match(cmd, **kw):
        style = cmd[-1].rsplit("=", 1)[1]
        return subprocess.CompletedProcess(cmd, 0, answers[style], "")

    monkeypatch.setattr(fonts.subprocess, "run", fc_match)
    assert fonts._fc_match("Noto Sans CJK SC", "Regular") == FontFile(regular, 2)
    assert fonts._fc_match("Noto Sans CJK SC", "Bold") == FontFile(bold, 2)
    assert fonts._fc_match("Source Han Sans SC", "Bold") is None  # its nearest font: refused
    answers["Bold"] = f"{regular}\n2\nNoto Sans CJK SC\nRegular"  # no bold installed
    assert fonts._fc_match("Noto Sans CJK SC", "Bold") is None


def test_the_environment_names_both_faces(packaged, monkeypatch, tmp_path):
    monkeypatch.setenv(ENV, f"{packaged.regular.path}#0")
    monkeypatch.setenv(ENV_BOLD, str(packaged.bold.path))
    assert find_cjk_fonts() == fonts.CjkFonts(packaged.regular, packaged.bold, "env")
    monkeypatch.delenv(ENV_BOLD)
    assert find_cjk_fonts() == fonts.CjkFonts(packaged.regular, None, "env")
    monkeypatch.setenv(ENV, str(tmp_path / "none.ttf"))
    with pytest.raises(BadData) as exc:
        find_cjk_fonts()
    assert "none.ttf" in exc.value.render("en") and "none.ttf" in exc.value.render("zh")
    monkeypatch.delenv(ENV)
    monkeypatch.setenv(ENV_BOLD, str(packaged.bold.path))
    with pytest.raises(BadData) as exc:
        find_cjk_fonts()
    assert ENV in exc.value.render("en") and "同时设置" in exc.value.render("zh")


def test_a_regular_only_font_or_none_at_all(no_system, monkeypatch, tmp_path):
    monkeypatch.setattr(fonts, "PACKAGE", "projtrack_no_such_font_package")
    with pytest.raises(BadData) as exc:
        find_cjk_fonts()
    assert ENV in exc.value.render("en") and "中文字体" in exc.value.render("zh")
    wqy = tmp_path / "wqy-zenhei.ttc"
    wqy.write_bytes(b"")
    monkeypatch.setattr(fonts, "SYSTEM_REGULAR_ONLY", ((str(wqy), 0),))
    assert find_cjk_fonts() == fonts.CjkFonts(FontFile(wqy), None)


def test_instances_are_shared_by_content_and_replace_older_versions(packaged, monkeypatch,
                                                                    tmp_path):
    source = Path(str(fonts.files(fonts.PACKAGE).joinpath(*fonts.PACKAGED_FONT)))
    copy = tmp_path / "another-install" / source.name
    copy.parent.mkdir()
    copy.write_bytes(source.read_bytes())
    # another installation of the same font finds the instance already made
    assert fonts.static_instance(FontFile(copy, weight=700)) == packaged.bold
    # a new version of the font (here: a fresh cache) makes its own and removes the older one;
    # the instancing itself is skipped, this checks the cache's bookkeeping only
    from fontTools.varLib import instancer

    monkeypatch.setattr(instancer, "instantiateVariableFont", lambda *a, **kw: None)
    monkeypatch.setattr(fonts, "cache_dir", lambda: tmp_path / "cache")
    older = tmp_path / "cache" / "NotoSansSC-700-0123456789abcdef.ttf"
    older.parent.mkdir()
    older.write_bytes(b"an instance of an older version")
    made = fonts.static_instance(FontFile(copy, weight=700))
    assert made.path.parent == tmp_path / "cache" and made.path.is_file()
    assert made.path.name == packaged.bold.path.name and not older.exists()
    assert not list((tmp_path / "cache").glob("*.part"))
