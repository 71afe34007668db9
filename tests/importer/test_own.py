"""projtrack knows its own workbooks again: by the document property it writes, an older
fill-in sheet by its hidden layout sheet, and copies pasted into a new workbook by their
content — and an annex is none of them."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from projtrack import marks
from projtrack.cli import main
from projtrack.importer.own import OwnFile, export_states, recognise
from tests.cli.test_cli import AS_OF
from tests.conftest import SAMPLE


def cli(db: str, *args: str, lang: str = "en") -> int:
    return main(["--db", db, "--as-of", AS_OF, "--lang", lang, *args])


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, Path]:
    """A fill-in sheet (in both languages), a weekly report and an export of the sample."""
    folder = tmp_path_factory.mktemp("own")
    db = str(folder / "db.sqlite")
    files = {"template": folder / "填报.xlsx", "template_en": folder / "progress.xlsx",
             "export": folder / "导出.xlsx"}
    assert cli(db, "import", str(SAMPLE)) == 0
    assert cli(db, "progress", "template", "--out", str(files["template"]), lang="zh") == 0
    assert cli(db, "progress", "template", "--out", str(files["template_en"])) == 0
    assert cli(db, "export", "--format", "xlsx", "--out", str(files["export"])) == 0
    reports = folder / "reports"
    reports.mkdir()
    assert cli(db, "report", "weekly", "--format", "xlsx", "--out", str(reports), lang="zh") == 0
    (files["report"],) = reports.glob("*.xlsx")
    return files


def _without_property(src: Path, dest: Path) -> Path:
    """The workbook as a projtrack older than its document property wrote it."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "docProps/custom.xml":
                continue
            if item.filename in ("[Content_Types].xml", "_rels/.rels"):
                data = data.replace(b"docProps/custom.xml", b"docProps/none.xml")
            zout.writestr(item, data)
    return dest


def _pasted(src: Path, dest: Path, sheet: int = 0) -> Path:
    """One sheet's values pasted into a new workbook (no property, no hidden sheet)."""
    wb = openpyxl.Workbook()
    for row in openpyxl.load_workbook(src).worksheets[sheet].iter_rows(values_only=True):
        wb.active.append(row)
    wb.save(dest)
    return dest


def test_each_file_is_known_by_the_property_projtrack_writes(made):
    assert recognise(made["template"]) == OwnFile(marks.PROGRESS_TEMPLATE, "property")
    assert recognise(made["template_en"]) == OwnFile(marks.PROGRESS_TEMPLATE, "property")
    assert recognise(made["report"]) == OwnFile(marks.WEEKLY_REPORT, "property")
    assert recognise(made["export"]) == OwnFile(marks.PORTFOLIO_EXPORT, "property")


def test_an_older_fill_in_sheet_is_known_by_its_layout_sheet(made, tmp_path):
    old = _without_property(made["template"], tmp_path / "old.xlsx")
    assert recognise(old) == OwnFile(marks.PROGRESS_TEMPLATE, "sheet")
    assert openpyxl.load_workbook(old).sheetnames[-1] == "_projtrack"


@pytest.mark.parametrize(("key", "kind"), [("template", marks.PROGRESS_TEMPLATE),
                                           ("template_en", marks.PROGRESS_TEMPLATE),
                                           ("report", marks.WEEKLY_REPORT),
                                           ("export", marks.PORTFOLIO_EXPORT)])
def test_a_copy_pasted_into_a_new_workbook_is_known_by_its_content(made, tmp_path, key, kind):
    assert recognise(_pasted(made[key], tmp_path / "copy.xlsx")) == OwnFile(kind, "content")


def test_an_annex_or_a_file_that_is_no_workbook_is_none_of_them(tmp_path):
    assert recognise(SAMPLE) is None
    text = tmp_path / "附件.xlsx"
    text.write_text("序号,项目名称\n", encoding="utf-8")
    assert recognise(text) is None
    assert recognise(tmp_path / "missing.xlsx") is None


def test_an_export_carries_each_project_s_phase_and_status(made, tmp_path):
    states = export_states(made["export"])
    assert len(states) == 88 and set(states.values()) <= {("在建", "active"), ("前期", "active")}
    assert states["平阳县鳌江镇第七小学新建工程"] == ("在建", "active")
    only_annex = _pasted(made["export"], tmp_path / "only.xlsx")  # its sheet 项目 alone
    assert export_states(only_annex) == {}
