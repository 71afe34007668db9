"""The rendered files, read back the way another program would: the workbook with openpyxl
(print settings, a native chart, no formula from user text), the PDF with pypdf (Chinese text
extractable, the CJK font's regular and bold faces embedded, pages numbered)."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile

import openpyxl
import pytest
from fontTools.cffLib import CFFFontSet
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from projtrack.cli import main
from projtrack.services.weekly import write_weekly_report
from projtrack.store.models import Project
from tests.reports.demo import AS_OF, WEEK

EVIL = '=HYPERLINK("http://x","y")'
PRINTED = dt.date.today().isoformat()


@pytest.fixture
def evil_store(demo_store):
    """One project renamed to something a spreadsheet would run as a formula."""
    with demo_store.write() as s:
        p = s.get(Project, 3)
        p.name = EVIL
    return demo_store


def _squash(text: str) -> str:
    # pypdf reads fpdf2's embedded 2-byte CMap one byte at a time and interleaves NULs
    # (pdftotext reads it cleanly); whitespace differs between extractors too
    return "".join(text.replace("\x00", "").split())


def test_xlsx_is_ready_to_print(evil_store, tmp_path):
    paths = write_weekly_report(evil_store, as_of=AS_OF, formats=("xlsx",), out_dir=tmp_path,
                                lang="zh")
    assert [p.name for p in paths] == [f"周报-{WEEK}.xlsx"]
    wb = openpyxl.load_workbook(paths[0])
    assert wb.sheetnames == ["摘要", "项目明细", "节点预警", "与上期相比", "预测与风险", "存在问题",
                             "分乡镇", "分责任单位", "分资金来源"]
    assert wb["存在问题"].print_title_rows == "$5:$5"
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
        footer = ws.oddFooter
        assert "&P" in footer.center.text and "&N" in footer.center.text
        assert "&D" in footer.right.text
    detail = wb["项目明细"]
    assert detail.print_title_rows == "$4:$5"
    assert detail.freeze_panes == "C6"
    assert wb["节点预警"].print_title_rows == "$4:$4"

    # thousands separators; flags as text on a fill; ahead/behind as ▲/▼ in the number format
    cells = [c for row in detail.iter_rows(min_row=6) for c in row]
    money = [c for c in cells if c.column == 6 and isinstance(c.value, (int, float))]
    assert money and all(c.number_format == "#,##0.00" for c in money)
    flags = [c for c in cells if c.column == 17 and c.value in ("红", "黄", "绿")]
    assert {c.value for c in flags} >= {"红", "绿"}
    assert all(c.fill.fgColor.rgb.endswith(("F4B6B6", "FFE699", "C6E0B4")) for c in flags)
    points = [c for c in cells if c.column == 11 and c.value is not None]
    assert points and all("▲" in c.number_format and "▼" in c.number_format for c in points)
    assert detail.cell(row=4, column=6).value == "投资完成(万元)"
    assert detail.cell(row=5, column=2).value == "项目名称"

    # the user's text is text: the cell is a string, and no sheet holds a formula at all
    evil = [c for c in cells if c.value == EVIL]
    assert len(evil) == 1 and evil[0].data_type == "s"
    with zipfile.ZipFile(paths[0]) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<(\w+:)?f[ >]", zf.read(name)), name
        charts = [n for n in zf.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        chart = zf.read(charts[0]).decode("utf-8")
        assert "<barChart>" in chart and "<lineChart>" in chart
    assert len(wb["摘要"]._charts) == 1


def test_pdf_has_chinese_text_an_embedded_font_and_page_numbers(evil_store, tmp_path):
    paths = write_weekly_report(evil_store, as_of=AS_OF, formats=("pdf",), out_dir=tmp_path,
                                lang="zh")
    reader = PdfReader(paths[0])
    n = len(reader.pages)
    assert n >= 3
    text = _squash("".join(p.extract_text() for p in reader.pages))
    for heading in ("平阳县教育基建项目周报", "一、总体情况", "四、项目明细", "五、节点预警",
                    "年度投资完成率", "序时进度", "平阳县鳌江镇第七小学新建工程", _squash(EVIL)):
        assert heading in text, heading
    assert f"第{n}页,共{n}页" in text and "第1页,共" in text
    faces = _embedded_faces(reader)
    assert sorted(faces.values()) == [400, 700], faces  # a regular and a bold face, embedded
    if shutil.which("pdftotext"):
        out = subprocess.run(["pdftotext", str(paths[0]), "-"], capture_output=True,
                             text=True).stdout
        assert "平阳县教育基建项目周报" in out and "平阳县鳌江镇第七小学新建工程" in out
    if shutil.which("pdffonts"):
        out = subprocess.run(["pdffonts", str(paths[0])], capture_output=True, text=True).stdout
        rows = out.splitlines()[2:]
        assert rows and all(r.split()[-5] == "yes" for r in rows), out  # emb


def _embedded_faces(reader: PdfReader) -> dict[str, int]:
    """Each font of the PDF (its BaseFont) → the weight its embedded font program says: the OS/2
    weight class of a TrueType or OpenType program, the Weight of a bare CFF one."""
    faces: dict[str, int] = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            desc = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            key = next(k for k in desc if k.startswith("/FontFile"))
            program = desc[key].get_object()
            data = io.BytesIO(program.get_data())
            if key == "/FontFile3" and program.get("/Subtype") == "/CIDFontType0C":
                cff = CFFFontSet()
                cff.decompile(data, None)
                weight = {"Regular": 400, "Bold": 700}[cff.topDictIndex[0].Weight]
            else:
                weight = TTFont(data)["OS/2"].usWeightClass
            faces[str(font["/BaseFont"])] = weight
    return faces


def _text_by_face(reader: PdfReader, page: int) -> dict[int, str]:
    """The text of a page by the weight of the face it is set in."""
    weights = {name.split("+")[-1]: w for name, w in _embedded_faces(reader).items()}
    out: dict[int, list[str]] = {400: [], 700: []}

    def visit(text, cm, tm, font, size):
        if font is not None and text.strip():
            out[weights[str(font["/BaseFont"]).split("+")[-1]]].append(text)

    reader.pages[page].extract_text(visitor_text=visit)
    return {w: _squash("".join(parts)) for w, parts in out.items()}


def test_pdf_sets_title_headings_table_headers_and_totals_in_bold(demo_store, tmp_path):
    paths = write_weekly_report(demo_store, as_of=AS_OF, formats=("pdf",), out_dir=tmp_path,
                                lang="zh")
    reader = PdfReader(paths[0])
    first = _text_by_face(reader, 0)
    assert first[700].startswith("平阳县教育基建项目周报")  # the title (the footer repeats it)
    for bold in ("一、总体情况", "指标数值", "学段项目数", "总计"):
        assert bold in first[700] and bold not in first[400], bold
    assert "本年计划投资" in first[400] and "2026年第48周" in first[400]
    detail = next(i for i, p in enumerate(reader.pages) if "四、项目明细" in _squash(
        p.extract_text()))
    page = _text_by_face(reader, detail)
    for bold in ("四、项目明细", "项目名称", "总计", "一、中小学(44个)", "(一)续建(9个)"):
        assert bold in page[700] and bold not in page[400], bold
    name = demo_store.projects()[0].name
    assert _squash(name)[:8] in page[400] and _squash(name)[:8] not in page[700]


def test_english_report(demo_store, tmp_path):
    paths = write_weekly_report(demo_store, as_of=AS_OF, out_dir=tmp_path, lang="en")
    assert [p.name for p in paths] == [f"weekly-report-{WEEK}.xlsx", f"weekly-report-{WEEK}.pdf"]
    text = _squash("".join(p.extract_text() for p in PdfReader(paths[1]).pages))
    assert "1.Overview" in text and "Primary&secondary" in text
    assert openpyxl.load_workbook(paths[0]).sheetnames[0] == "Summary"


def test_cli_report_weekly(demo_db, tmp_path, capsys):
    out = tmp_path / "out"
    rc = main(["--db", demo_db, "--as-of", AS_OF.isoformat(), "report", "weekly",
               "--out", str(out)])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    assert "已签发 2026-W48 周报" in captured.out
    assert sorted(p.name for p in out.iterdir()) == ["周报-2026-W48.pdf", "周报-2026-W48.xlsx"]
    rc = main(["--db", demo_db, "--lang", "en", "report", "weekly", "--week", WEEK,
               "--format", "pdf", "--out", str(out)])
    assert rc == 0 and "reprinted as issued" in capsys.readouterr().out
    rc = main(["--db", demo_db, "--as-of", AS_OF.isoformat(), "report", "weekly",
               "--as-of", "2026-11-26", "--format", "xlsx", "--draft", "--out", str(out)])
    assert rc == 0 and (out / "周报-2026-W48-草稿.xlsx").exists()
    capsys.readouterr()
    for bad in (["--week", "2026-W99"], ["--format", "docx"], ["--draft", "--reissue"]):
        rc = main(["--db", demo_db, "report", "weekly", "--out", str(out), *bad])
        err = capsys.readouterr().err
        assert rc == 2 and err.startswith("错误:") and "Traceback" not in err, bad


def test_cli_names_a_missing_font_and_exits_1(demo_db, tmp_path, capsys, monkeypatch):
    from projtrack.reports.fonts import ENV

    monkeypatch.setenv(ENV, str(tmp_path / "none.ttf"))
    rc = main(["--db", demo_db, "--as-of", AS_OF.isoformat(), "report", "weekly", "--format",
               "pdf", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert rc == 1 and "none.ttf" in err and "PROJTRACK_PDF_FONT" in err, err
    assert "Traceback" not in err
