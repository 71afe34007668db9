"""Files that are not annexes, or are hostile: read_annex never raises and names the problem."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.worksheet._reader import WorkSheetParser

from projtrack.importer import Issue, read_annex
from projtrack.importer import workbook as wbmod

from .builders import annex, replace_part, save

SHEET = "xl/worksheets/sheet1.xml"


def only_error(result) -> Issue:
    assert result.projects == [] and result.sheets == []
    [issue] = result.issues
    assert issue.level == "error" and not result.ok
    return issue


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    return save(tmp_path_factory.mktemp("small") / "small.xlsx", annex())


def test_empty_file(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert only_error(read_annex(path)).code == "empty_file"


def test_missing_file_and_folder(tmp_path):
    assert only_error(read_annex(tmp_path / "nope.xlsx")).code == "not_found"
    assert only_error(read_annex(tmp_path)).code == "not_found"


def test_csv_renamed_xlsx(tmp_path):
    path = tmp_path / "annex.xlsx"
    path.write_text("序号,项目名称,总投资\n1,平阳县甲小学,9000\n", encoding="utf-8")
    issue = only_error(read_annex(path))
    assert issue.code == "not_xlsx" and "CSV" in issue.message


def test_word_documents_renamed_xlsx(tmp_path):
    docx = tmp_path / "docx.xlsx"
    with zipfile.ZipFile(docx, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<document/>")
    issue = only_error(read_annex(docx))
    assert issue.code == "not_xlsx" and "Word" in issue.message
    doc = tmp_path / "doc.xlsx"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000 + "WordDocument".encode("utf-16-le"))
    assert only_error(read_annex(doc)).code == "not_xlsx"


def test_old_xls(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000 + "Workbook".encode("utf-16-le"))
    issue = only_error(read_annex(path))
    assert issue.code == "xls_format" and ".xlsx" in issue.message


def test_encrypted_ooxml(tmp_path):
    path = tmp_path / "secret.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 3000
                     + "EncryptedPackage".encode("utf-16-le") + b"\0" * 100)
    issue = only_error(read_annex(path))
    assert issue.code == "encrypted" and "password" in issue.message


def test_damaged_zip(tmp_path, small):
    path = tmp_path / "cut.xlsx"
    path.write_bytes(small.read_bytes()[:700])
    assert only_error(read_annex(path)).code == "not_xlsx"


def _with_member(small: Path, out: Path, name: str, chunks: int, chunk: int) -> Path:
    out.write_bytes(small.read_bytes())
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as zf, zf.open(name, "w", force_zip64=True) as fh:
        for _ in range(chunks):
            fh.write(bytes(chunk))
    return out


def test_zip_bomb_by_ratio(tmp_path, small):
    path = _with_member(small, tmp_path / "ratio.xlsx", "xl/media/image1.bin", 48, 1 << 20)
    assert path.stat().st_size < 1 << 20  # 48 MB of zeros in well under 1 MB
    started = time.perf_counter()
    issue = only_error(read_annex(path))
    assert issue.code == "zip_bomb" and "image1.bin" in issue.message
    assert time.perf_counter() - started < 2


def test_zip_bomb_by_declared_total(tmp_path, small):
    out = tmp_path / "total.xlsx"
    out.write_bytes(small.read_bytes())
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as zf:
        for i in range(70):  # 70 × 3 MB: each below the ratio rule's size, 210 MB in all
            zf.writestr(f"xl/media/part{i}.bin", bytes(3 << 20))
    issue = only_error(read_annex(out))
    assert issue.code == "zip_bomb" and "200 MB" in issue.message


LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
          '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;">]>')


def _sheet_xml(small: Path) -> str:
    return zipfile.ZipFile(small).read(SHEET).decode()


def test_entity_expansion_doctype(tmp_path, small):
    xml = _sheet_xml(small)
    xml = LAUGHS + xml.replace("平阳县甲小学新建工程", "&lol4;")
    path = replace_part(small, SHEET, xml.encode(), tmp_path / "laughs.xlsx")
    issue = only_error(read_annex(path))
    assert issue.code == "unsafe_xml" and SHEET in issue.message


def test_entity_expansion_hidden_past_the_prescan_is_stopped_by_defusedxml(tmp_path, small):
    xml = _sheet_xml(small)
    xml = ('<?xml version="1.0" encoding="UTF-8"?><!--' + "x" * 100_000 + "-->" + LAUGHS
           + xml.replace("平阳县甲小学新建工程", "&lol4;"))
    path = replace_part(small, SHEET, xml.encode(), tmp_path / "hidden.xlsx")
    issue = only_error(read_annex(path))
    assert issue.code == "unsafe_xml"
    assert issue.sheet == "附件"  # raised while parsing the sheet, not by the prescan of parts
    assert wbmod.DEFUSED is True


def test_without_defusedxml_the_whole_part_is_searched(tmp_path, small, monkeypatch):
    xml = ('<?xml version="1.0" encoding="UTF-8"?><!--' + "x" * 100_000 + "-->" + LAUGHS
           + _sheet_xml(small).replace("平阳县甲小学新建工程", "&lol4;"))
    path = replace_part(small, SHEET, xml.encode(), tmp_path / "hidden.xlsx")
    monkeypatch.setattr(wbmod, "DEFUSEDXML", False)
    issue = only_error(read_annex(path))
    assert issue.code == "unsafe_xml" and SHEET in issue.message


def test_a_lying_dimension_is_ignored(tmp_path, small):
    xml = re.sub(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:A1"/>', _sheet_xml(small))
    path = replace_part(small, SHEET, xml.encode(), tmp_path / "lying.xlsx")
    result = read_annex(path)
    assert result.issues == [] and len(result.projects) == 5


def _huge(small: Path, out: Path, *, dimension: bool) -> Path:
    """The small annex followed by a million empty formatted rows."""
    xml = _sheet_xml(small)
    last = max(int(r) for r in re.findall(r'<row r="(\d+)"', xml))
    rows = "".join(f'<row r="{r}" spans="1:17" s="1" customFormat="1" ht="15" customHeight="1"/>'
                   for r in range(last + 1, last + 1_000_001))
    xml = xml.replace("</sheetData>", rows + "</sheetData>")
    xml = re.sub(r'<dimension ref="[^"]*"\s*/>',
                 f'<dimension ref="A1:Q{last + 1_000_000}"/>' if dimension else "", xml)
    return replace_part(small, SHEET, xml.encode(), out)


@pytest.mark.parametrize("dimension", [True, False])
def test_a_million_empty_formatted_rows_stay_cheap(tmp_path, small, monkeypatch, dimension):
    """Bounded work, whether the sheet declares its dimension or not: calamine lays out only
    the rows that hold cells (not a million), the rows stop after a run of empty ones, and
    openpyxl's parser is not needed."""
    path = _huge(small, tmp_path / "huge.xlsx", dimension=dimension)
    laid_out = 0
    real_values = wbmod._values

    def counting_values(*args):
        nonlocal laid_out
        for row in real_values(*args):
            laid_out += 1
            yield row

    monkeypatch.setattr(wbmod, "_values", counting_values)
    monkeypatch.setattr(WorkSheetParser, "parse_row", lambda *a: pytest.fail("openpyxl parsed"))
    started = time.process_time()  # this process's own work, whatever else the machine runs
    result = read_annex(path)
    elapsed = time.process_time() - started
    assert result.issues == [] and len(result.projects) == 5
    assert 10 < laid_out < 20 + wbmod.EMPTY_ROWS_STOP + 10  # not a million
    assert elapsed < 10


def test_rows_stop_after_a_run_of_empty_rows(tmp_path):
    lay = annex()
    far = len(lay.rows) + wbmod.EMPTY_ROWS_STOP + 5
    lay.set("name", far, "平阳县远处的工程")  # beyond 200 empty rows: not read
    path = save(tmp_path / "far.xlsx", lay)
    with wbmod.Book(path) as book:
        rows = book.sheets[0].read_rows()
    assert len(rows) == len(annex().rows)
    assert "平阳县远处的工程" not in {p.name for p in read_annex(path).projects}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_damaged_bytes_never_raise(tmp_path, small, data):
    raw = bytearray(small.read_bytes())
    for _ in range(data.draw(st.integers(1, 8))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(raw)))
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(raw[:cut] if data.draw(st.booleans()) else raw))
    result = read_annex(path)
    assert result.projects or result.issues
    assert all(isinstance(i, Issue) and i.level in ("error", "warning") for i in result.issues)


def test_importing_the_package_does_not_load_openpyxl():
    code = "import sys, projtrack.importer; print('openpyxl' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_issue_where():
    issue = Issue("error", "a.xlsx", "附件", "G23", "bad_number", "…")
    assert issue.where == "a.xlsx 附件!G23"
    assert Issue("error", "a.xlsx", None, None, "not_xlsx", "…").where == "a.xlsx"
    assert Issue("error", "a.xlsx", "附件", None, "no_header", "…").where == "a.xlsx 附件"

