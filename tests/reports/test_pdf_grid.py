"""The PDF's tables: text wrapped without losing or overflowing anything, figures shrunk rather
than broken, rows never split across pages, headings on every page; and a long report read
back page by page."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import shutil
import subprocess

import pytest
from fpdf import FPDF

from projtrack.reports.fonts import find_cjk_fonts
from projtrack.reports.pdf import write_pdf
from projtrack.reports.pdfgrid import (
    ELLIPSIS,
    MIN_SHRINK,
    NO_LINE_END,
    NO_LINE_START,
    Grid,
    GridRow,
    TextMeasure,
)
from projtrack.services.weekly import issue as issue_weekly
from tests.reports.demo import AS_OF

SIZE = 6.3
EPS = 1e-6


@pytest.fixture(scope="module")
def pdf() -> FPDF:
    doc = FPDF(orientation="L", unit="mm", format="A4")
    fonts = find_cjk_fonts()
    for style, font in (("", fonts.regular), ("B", fonts.bold or fonts.regular)):
        doc.add_font("cjk", style, str(font.path), collection_font_number=font.face)
    doc.set_margins(10, 10, 10)
    doc.set_auto_page_break(True, margin=14)
    doc.set_font("cjk", size=SIZE)
    return doc


@pytest.fixture
def measure(pdf) -> TextMeasure:
    pdf.set_font("cjk", size=SIZE)
    return TextMeasure(pdf, "cjk")


TEXTS = [
    "平阳县鳌江镇第七小学新建工程(二期)配套道路及附属设施、运动场、绿化工程",
    "严重滞后序时进度、连续8周无完成投资、节点逾期、超概",
    "平阳县（鳌江镇）第七小学新建工程、配套道路，附属设施；以及其他（含绿化）工程。",
    "Pingyang County No.2 Primary School relocation and extension project (phase II)",
    "平阳县 Pingyang 第二中学 relocation 2026-11-29 收尾 100%",
    "第一行\n第二行比较长比较长比较长比较长比较长比较长",
]


def test_measure_matches_fpdf(pdf, measure):
    bold = TextMeasure(pdf, "cjk", "B")
    for style, m in (("", measure), ("B", bold)):
        pdf.set_font("cjk", style, size=SIZE)
        for text in TEXTS + ["▲1.4", "—", "12,345.67"]:
            assert m.width(text, SIZE) == pytest.approx(pdf.get_string_width(text), abs=1e-6)
    pdf.set_font("cjk", "", size=SIZE)
    # each face measured with its own widths, whichever is selected
    assert bold.width("12,345.67 Total", SIZE) > measure.width("12,345.67 Total", SIZE)


@pytest.mark.parametrize("avail", [12, 21.4, 30, 45.5, 80])
def test_wrap_loses_nothing_and_fits(measure, avail):
    for text in TEXTS:
        lines = measure.wrap(text, avail, SIZE, max_lines=100)
        for line in lines:
            assert measure.width(line, SIZE) <= avail + EPS, (text, line)
            assert line == line.strip()
        assert "".join("".join(lines).split()) == "".join(text.split())
        assert len(lines) >= math.ceil(measure.width(text.replace("\n", ""), SIZE) / avail)


@pytest.mark.parametrize("avail", [x / 2 for x in range(16, 120)])
def test_no_line_starts_with_closing_punctuation(measure, avail):
    for text in TEXTS[:3]:
        lines = measure.wrap(text, avail, SIZE, max_lines=100)
        for before, after in zip(lines, lines[1:], strict=False):
            assert after[0] not in NO_LINE_START, (avail, lines)
            assert before[-1] not in NO_LINE_END, (avail, lines)


def test_words_and_numbers_are_kept_whole_when_they_fit(measure):
    avail = measure.width("construction", SIZE) + 1
    assert measure.wrap("Under construction", avail, SIZE) == ["Under", "construction"]
    avail = measure.width("收尾 2026-11-29", SIZE) - 0.5
    assert measure.wrap("收尾 2026-11-29", avail, SIZE) == ["收尾", "2026-11-29"]
    # a word longer than a line is broken between characters rather than overflowing
    lines = measure.wrap("A" * 60, 20, SIZE)
    assert len(lines) > 1 and "".join(lines) == "A" * 60
    assert all(measure.width(line, SIZE) <= 20 + EPS for line in lines)


def test_overlong_text_ends_in_an_ellipsis(measure):
    text = "平阳县鳌江镇第七小学新建工程" * 30
    lines = measure.wrap(text, 45, SIZE, max_lines=3)
    assert len(lines) == 3 and lines[-1].endswith(ELLIPSIS)
    assert all(measure.width(line, SIZE) <= 45 + EPS for line in lines)
    assert text.startswith("".join(lines)[:-1])
    assert measure.clip("短", 45, SIZE) == "短"
    clipped = measure.clip(text, 45, SIZE)
    assert clipped.endswith(ELLIPSIS) and measure.width(clipped, SIZE) <= 45 + EPS


def _grid(pdf, **kw) -> Grid:
    widths = [10, 45, 20, 14, 30, 25]
    heads = ["序号", "项目名称", "建设地点", "总投资", "预警原因", "日期"]
    return Grid(pdf, "cjk", widths, heads, size=SIZE, align=["R", "L", "L", "R", "L", "C"],
                fit=(0, 3), group_row=[("项目", 3), ("资金与偏差(万元)", 3)], **kw)


def test_figures_are_shrunk_to_fit_never_cut(pdf):
    grid = _grid(pdf)
    cell = grid.layout(3, "12,345,678.90")
    assert cell.lines == ("12,345,678.90",) and cell.size < SIZE
    assert cell.size >= SIZE * MIN_SHRINK and max(cell.widths) <= grid.inner[3] + EPS
    assert grid.layout(3, "12.00").size == SIZE
    huge = "123,456,789,012,345,678.90"  # past the smallest size: wrapped, every digit kept
    cell = grid.layout(3, huge)
    assert len(cell.lines) > 1 and "".join(cell.lines) == huge
    # text columns wrap instead
    assert len(grid.layout(1, TEXTS[0]).lines) > 1


def _recorded(grid: Grid) -> tuple[list, list]:
    rows, heads = [], []
    draw_row, draw_headings = grid._draw_row, grid._draw_headings

    def row(y, h, r, cells):
        rows.append((grid.pdf.page_no(), y, h, r.texts[0]))
        draw_row(y, h, r, cells)

    def headings(y):
        end = draw_headings(y)
        heads.append((grid.pdf.page_no(), y, end))
        return end

    grid._draw_row, grid._draw_headings = row, headings
    return rows, heads


def _rows(n: int):
    for i in range(n):
        name = f"平阳县第{i}小学新建工程" + "(二期)配套道路及附属设施" * (i % 5)
        reasons = "严重滞后序时进度、节点逾期" if i % 3 else ""
        yield GridRow([str(i + 1), name, "鳌江镇", f"{i * 1234.5:,.2f}", reasons, "2026-11-29"],
                      fills={4: (244, 182, 182)} if reasons else None,
                      fill=(217, 217, 217) if i % 50 == 0 else None)


def test_rows_never_split_headings_on_every_page(pdf):
    pdf.add_page()
    first_page = pdf.page_no()
    pdf.set_y(150)
    grid = _grid(pdf)
    rows, heads = _recorded(grid)
    grid.draw(_rows(400))
    limit = pdf.page_break_trigger
    pages = sorted({p for p, *_ in rows})
    assert pages == list(range(first_page, pdf.page_no() + 1))
    assert [p for p, *_ in heads] == pages  # the headings once at the top of every page
    assert [seq for *_, seq in rows] == [str(i + 1) for i in range(400)]
    head_end = {p: end for p, _, end in heads}
    for i, (page, y, h, _) in enumerate(rows):
        assert y + h <= limit + EPS  # the whole row on its page
        if i == 0 or rows[i - 1][0] != page:
            assert y == pytest.approx(head_end[page])  # first row right under the headings
        else:
            prev = rows[i - 1]
            assert y == pytest.approx(prev[1] + prev[2])
            # and a row goes to the next page only when it does not fit on this one
        if i + 1 < len(rows) and rows[i + 1][0] != page:
            assert y + h + rows[i + 1][2] > limit
    assert pdf.get_y() == pytest.approx(rows[-1][1] + rows[-1][2])
    # page count is what the rows need, not more
    room = limit - (pdf.t_margin + grid.head_h)
    assert len(pages) <= math.ceil(sum(h for _, _, h, _ in rows) / (room - 30)) + 1


def test_headings_are_not_left_alone_at_the_foot_of_a_page(pdf):
    pdf.add_page()
    page = pdf.page_no()
    grid = _grid(pdf)
    pdf.set_y(pdf.page_break_trigger - grid.head_h - 1)
    rows, heads = _recorded(grid)
    grid.draw(_rows(3))
    assert heads[0][0] == page + 1 and {p for p, *_ in rows} == {page + 1}


def test_a_row_as_tall_as_allowed_still_fits_a_page(pdf):
    pdf.add_page()
    grid = _grid(pdf)
    rows, _ = _recorded(grid)
    grid.draw([GridRow(["1", "很长的名称" * 400, "", "", "", ""])])
    (_, y, h, _), = rows
    assert y + h <= pdf.page_break_trigger + EPS
    assert grid.layout(1, "很长的名称" * 400).lines[-1].endswith(ELLIPSIS)


# --- a long report, read back ---------------------------------------------------------------------
def _long_report(store, copies: int):
    """The demo week with every project repeated ``copies`` times under names marked at both
    ends (S0001x … E0001x) so that a name broken over lines can be found on its page."""
    report = issue_weekly(store, as_of=AS_OF, draft=True).report
    n = 0
    cats = []
    for cat in report.categories:
        classes = []
        for block in cat.classes:
            rows = []
            for _ in range(copies):
                for row in block.rows:
                    n += 1
                    rows.append(dataclasses.replace(row, name=f"S{n:04d}x{row.name}E{n:04d}x"))
            classes.append(dataclasses.replace(block, rows=tuple(rows)))
        cats.append(dataclasses.replace(cat, classes=tuple(classes)))
    first = cats[0].classes[0].rows[0]
    absurd = dataclasses.replace(first, name="超长名称" * 200)
    block = dataclasses.replace(cats[0].classes[0],
                                rows=(absurd,) + cats[0].classes[0].rows[1:])
    cats[0] = dataclasses.replace(cats[0], classes=(block,) + cats[0].classes[1:])
    return dataclasses.replace(report, categories=tuple(cats)), n


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs pdftotext (poppler-utils)")
def test_long_report_pages(demo_store, tmp_path):
    report, n = _long_report(demo_store, copies=6)
    path = write_pdf(report, tmp_path / "long.pdf", lang="zh", printed_on=dt.date(2026, 11, 30))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = [p.replace(" ", "") for p in text.split("\f")[:-1]]
    detail = [i for i, p in enumerate(pages) if "四、项目明细" in p][0]
    alerts = [i for i, p in enumerate(pages) if "五、节点预警" in p][0]
    assert f"第{len(pages)}页,共{len(pages)}页" in pages[-1]
    # the main table's headings are on every page it runs onto
    for page in pages[detail:alerts + 1]:
        assert "项目名称" in page and "建设地点" in page and "资金与偏差(万元)" in page
    # every project's name is on one page, whole (bar the absurd one, cut with an ellipsis)
    for k in range(2, n + 1):
        start, end = f"S{k:04d}x", f"E{k:04d}x"
        where = [i for i, p in enumerate(pages) if start in p]
        assert len(where) == 1, start
        assert end in pages[where[0]], (start, where)
    assert "超长名称超长名称" in pages[detail] and ELLIPSIS in pages[detail]
    # about as many pages as the rows need: ~40 single-line rows to a page
    assert alerts - detail <= math.ceil(n / 25) + 1
