"""The importer's fast paths give what the plain ways give.

Rows are read from the sheet XML by a subclass of openpyxl's sheet parser that converts each
cell itself; the header check, the text normalisation and the bulk insert have cheap paths too.
Each is compared here with the plain way it replaces: openpyxl's read-only ``iter_rows``, the
straightforward loops, SQLAlchemy's own executemany.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import warnings
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from sqlalchemy import Column, Date, Integer, MetaData, String, Table, func, insert, select

from projtrack.core.defaults import default_milestone_dates, initial_phase
from projtrack.core.money import normalize_text as core_normalize_text
from projtrack.core.types import MILESTONES
from projtrack.importer import read_annex
from projtrack.importer import workbook as wbmod
from projtrack.importer.headers import label_words, norm, normalize_text
from projtrack.importer.reader import repeats_header
from projtrack.importer.rows import is_notes, read_span
from projtrack.store.bulk import insert_columns
from projtrack.store.types import Scaled

from .builders import ITEMS, annex, replace_part, save

SHEET = "xl/worksheets/sheet1.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


# --- rows -----------------------------------------------------------------------------------
def reference_rows(sheet: wbmod.Sheet) -> list[tuple]:
    """What the importer read before: openpyxl's read-only iter_rows, dimensions reset, up to
    the last filled row before EMPTY_ROWS_STOP empty ones."""
    rows: list[tuple] = []
    empties = 0
    sheet._ws.reset_dimensions()
    with wbmod._parse_errors(sheet.name), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for values in sheet._ws.iter_rows(max_col=wbmod.MAX_COLUMNS, values_only=True):
            rows.append(values)
            if wbmod.is_empty(values):
                empties += 1
                if empties >= wbmod.EMPTY_ROWS_STOP:
                    break
            else:
                empties = 0
    while rows and wbmod.is_empty(rows[-1]):
        rows.pop()
    return rows


def outcome(read) -> object:
    try:
        rows = read()
    except wbmod.WorkbookError as exc:
        return ("error", exc.code, exc.message)
    return [[(type(v), v) for v in row] for row in rows]


def assert_rows_as_openpyxl(path: Path) -> None:
    with wbmod.Book(path) as book:
        for sheet in book.sheets:
            new = outcome(sheet.read_rows)
            assert new == outcome(lambda s=sheet: reference_rows(s)), sheet.name


def test_every_kind_of_cell_reads_as_openpyxl_reads_it(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "附件"
    rich = CellRichText(["平阳县", TextBlock(InlineFont(b=True), "甲小学"), "新建工程"])
    cells = {
        "A1": "项目名称", "B1": 12, "C1": -3.25, "D1": 10**15, "E1": True, "F1": False,
        "G1": dt.datetime(2021, 3, 1, 8, 30), "H1": dt.date(2022, 1, 1), "I1": dt.time(9, 15),
        "J1": 0.125, "K1": "#N/A", "L1": "=SUM(B1:C1)", "M1": "  有空格  ", "N1": "３６００",
        "O1": rich, "P1": 45000, "Q1": 1e-7, "R1": "第一行\n第二行", "CV1": "最后一列",
        "CW1": "第101列", "A3": "隔一行", "A300": "很远",
    }
    for ref, value in cells.items():
        ws[ref] = value
    ws["P1"].number_format = "yyyy-mm-dd"
    ws["J1"].number_format = "0.0%"
    ws["H1"].number_format = 'yyyy"年"'
    path = tmp_path / "kinds.xlsx"
    wb.save(path)
    assert_rows_as_openpyxl(path)
    with wbmod.Book(path) as book:
        [first, *_] = book.sheets[0].read_rows()
    assert len(first) == wbmod.MAX_COLUMNS and first[99] == "最后一列"
    assert first[6] == dt.datetime(2021, 3, 1, 8, 30) and first[14] == "平阳县甲小学新建工程"


def test_a_1904_workbook_reads_its_dates_as_openpyxl_does(tmp_path):
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws["A1"] = dt.datetime(2023, 8, 31)
    ws["B1"] = 40000
    ws["B1"].number_format = "yyyy-mm-dd"
    path = tmp_path / "mac.xlsx"
    wb.save(path)
    assert_rows_as_openpyxl(path)


def _sheet(body: str, prefix: str = "") -> bytes:
    p = f"{prefix}:" if prefix else ""
    ns = f'xmlns{":" + prefix if prefix else ""}="{MAIN}"'
    body = re.sub(r"<(/?)(?!\?)", rf"<\1{p}", body) if prefix else body
    return f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {ns}><{p}sheetData>{body}</{p}sheetData></{p}worksheet>'.encode()


CELL_XML = {
    "no references": '<row><c t="inlineStr"><is><t>甲</t></is></c><c><v>1</v></c><c t="b"><v>1</v></c></row>'
                     '<row><c/><c r="D2"><v>2.5</v></c><c><v>7</v></c></row>',
    "rows out of order": '<row r="3"><c r="A3"><v>3</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>'
                         '<row r="3"><c r="B3"><v>4</v></c></row><row r="5"><c r="A5"><v>5</v></c></row>',
    "types": '<row r="1"><c r="A1" t="str"><v>公式的文字</v></c><c r="B1" t="d"><v>2021-03-01T00:00:00</v></c>'
             '<c r="C1" t="e"><v>#DIV/0!</v></c><c r="D1" t="b"><v>0</v></c><c r="E1" t="n"><v>1E3</v></c>'
             '<c r="F1" t="n"><v></v></c><c r="G1" t="x"><v>奇怪的类型</v></c><c r="H1" s=""><v>8</v></c>'
             '<c r="I1" t="inlineStr"/><c r="J1"><f>A1</f><v>9</v></c><c r="K1"><f>A1</f></c></row>',
    "inline strings": '<row r="1"><c r="A1" t="inlineStr"><is><t/></is></c>'
                      '<c r="B1" t="inlineStr"><is></is></c>'
                      '<c r="C1" t="inlineStr"><is><r><t>平阳</t></r><r><rPr><b/></rPr><t>县</t></r></is></c>'
                      '<c r="D1" t="inlineStr"><is><t>水头</t><rPh sb="0" eb="1"><t>shuitou</t></rPh></is></c>'
                      '<c r="E1" t="inlineStr"><is><t xml:space="preserve"> 留空格 </t></is></c>'
                      '<c r="F1" t="inlineStr"><is><t>a</t><r><t>b</t></r></is></c>'
                      '<c r="G1" t="inlineStr"><v>3</v><is><t>有值也有字</t></is></c>'
                      '<c r="H1" t="inlineStr"><is><t>&lt;&amp;&gt;</t></is></c></row>',
    "odd references": '<row r="1"><c r="a1"><v>1</v></c><c r="ab1"><v>2</v></c><c r="XFD1"><v>3</v></c>'
                      '<c r="C1"><v>4</v></c><c><v>5</v></c><c r="CV1"><v>6</v></c><c r="CW1"><v>7</v></c></row>'
                      '<row r="2.0"><c r="A2"><v>8</v></c></row>',
    "bad number": '<row r="1"><c r="A1"><v>abc</v></c></row>',
    "bad shared string": '<row r="1"><c r="A1" t="s"><v>99</v></c></row>',
    "bad reference": '<row r="1"><c r="1A"><v>1</v></c></row>',
    "reference without a row": '<row r="1"><c r="AB"><v>1</v></c></row>',
    "column beyond XFD": '<row r="1"><c r="ZZZZ1"><v>1</v></c></row>',
    "bad style": '<row r="1"><c r="A1" s="x"><v>1</v></c></row>',
    "bad row number": '<row r="1.5"><c r="A1"><v>1</v></c></row>',
    "negative row number": '<row r="1"><c r="A1"><v>1</v></c></row><row r="-5"><c r="A-5"><v>1</v></c></row>',
    "negative row, bare reference": '<row r="1"><c r="A1"><v>1</v></c></row><row r="-5"><c r="A-"><v>1</v></c></row>',
    "references off their row": '<row r="2"><c r="A12"><v>1</v></c><c r="B02"><v>2</v></c><c r="AB2"><v>3</v></c>'
                                '<c r="C2"><v>4</v></c></row><row r="12"><c r="A2"><v>5</v></c><c r="b12"><v>6</v></c></row>',
}


@pytest.mark.parametrize("case", sorted(CELL_XML))
@pytest.mark.parametrize("prefix", ["", "x"])
def test_hand_written_sheet_xml_reads_as_openpyxl_reads_it(tmp_path, case, prefix):
    small = save(tmp_path / "small.xlsx", annex())
    path = replace_part(small, SHEET, _sheet(CELL_XML[case], prefix), tmp_path / "case.xlsx")
    assert_rows_as_openpyxl(path)


def test_the_annex_builders_workbooks_read_as_openpyxl_reads_them(tmp_path):
    lay = annex()
    lay.set("name", len(lay.rows) + 3, "平阳县远处的工程")
    assert_rows_as_openpyxl(save(tmp_path / "a.xlsx", lay, annex(ITEMS[:2], title="幼儿园")))


def test_rows_still_go_through_openpyxls_xml_parser(tmp_path, monkeypatch):
    """The defused parser of openpyxl's sheet reader parses the rows (a DOCTYPE in the sheet
    is still refused by it, not only by the prescan)."""
    import openpyxl.worksheet._reader as sheet_reader

    events = 0
    real = sheet_reader.iterparse

    def counting(*args, **kwargs):
        nonlocal events
        for event in real(*args, **kwargs):
            events += 1
            yield event

    monkeypatch.setattr(sheet_reader, "iterparse", counting)
    result = read_annex(save(tmp_path / "a.xlsx", annex()))
    assert result.issues == [] and len(result.projects) == 5 and events > 100


# --- text and header checks -----------------------------------------------------------------
def old_norm(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return f"{value.year}年" if (value.month, value.day) == (1, 1) else ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, (str, int)):
        return ""
    return label_words(core_normalize_text(str(value)).translate(
        str.maketrans("", "", "“”‘’\"'〝〞「」『』")).rstrip(":").lower())


SPACES = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)) | st.sampled_from(
    list(SPACES) + list("“”‘’\"'〝〞「」『』:：ＡＢ１２３㎡①⑳ﬁ")), max_size=30)
cell_values = st.one_of(
    texts, st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(), st.none(), st.dates(), st.datetimes(), st.times(),
    st.decimals(allow_nan=False), st.sampled_from(["项目名称", "总投资", "2021年", "序号", 2021,
                                                   2021.0, dt.datetime(2021, 1, 1), "合计"]))


@settings(max_examples=400, deadline=None)
@given(text=texts)
def test_normalize_text_is_the_core_one(text):
    assert normalize_text(text) == core_normalize_text(text)


def test_normalize_text_drops_every_whitespace_character():
    assert normalize_text("a" + SPACES + "b") == core_normalize_text("a" + SPACES + "b") == "ab"


@settings(max_examples=400, deadline=None)
@given(value=cell_values)
def test_norm_is_the_plain_one(value):
    assert norm(value) == old_norm(value)


def old_repeats_header(values: tuple, heading: list[tuple[dict[int, str], int]]) -> bool:
    for labels, needed in heading:
        if len(labels) < 2:
            continue
        same = sum(1 for i, label in labels.items()
                   if i < len(values) and values[i] is not None and old_norm(values[i]) == label)
        if same >= needed:
            return True
    return False


HEADER_WORDS = ["序号", "项目名称", "建设性质", "总投资", "合计", "2021年", "2022", "备注", 2021,
                2021.0, dt.datetime(2022, 1, 1), "1", 1, 1.0, None, " 总投资 ", "“十四五”计划投资"]


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header=st.lists(st.lists(st.sampled_from(HEADER_WORDS), max_size=12), min_size=1, max_size=3),
       row=st.lists(st.one_of(st.sampled_from(HEADER_WORDS), cell_values), max_size=14))
def test_repeats_header_is_the_plain_count(header, row):
    heading = []
    for line in header:
        labels = {i: t for i, v in enumerate(line) if (t := norm(v))}
        heading.append((labels, max(2, -(-len(labels) * 3 // 5))))
    for values in (tuple(row), tuple(header[0]), tuple(header[-1][:-1])):
        assert repeats_header(values, heading) == old_repeats_header(values, heading)


@settings(max_examples=300, deadline=None)
@given(row=st.lists(st.one_of(st.sampled_from(["注:本表为预估数", "填报单位:县教育局", " ", "", "备注1"]),
                              cell_values), max_size=8))
def test_is_notes_is_the_plain_check(row):
    filled = [v for v in row if v is not None and str(v).strip()]
    plain = 0 < len(filled) <= 2 and isinstance(filled[0], str) and bool(
        re.match(r"^(?:注|附注|备注|说明|填表说明)[0-9一:;、.]|^(?:填报|制表|审核|联系|负责)",
                 core_normalize_text(filled[0])))
    assert is_notes(tuple(row)) == plain


def test_a_year_span_read_twice_is_read_the_same():
    assert read_span("2021-2023") == read_span("2021-2023") == ("span", 2021, 2023)
    assert read_span("3年") == ("duration", 3, None)
    assert read_span(2021) == ("span", 2021, 2021)


# --- bulk insert ----------------------------------------------------------------------------
def _engine(db_url):
    from projtrack.store.engine import make_engine

    return make_engine(db_url)


def _table(metadata: MetaData) -> Table:
    return Table("fast_insert", metadata,
                 Column("id", Integer, primary_key=True),
                 Column("name", String, nullable=False),
                 Column("amount", Scaled(6)),
                 Column("day", Date),
                 Column("kind", String, nullable=False, default="plain"))


def test_bulk_rows_are_stored_as_sqlalchemys_executemany_stores_them(db_url):
    engine = _engine(db_url)
    metadata = MetaData()
    table = _table(metadata)
    metadata.create_all(engine)
    day = dt.date(2025, 8, 31)
    columns = {"name": ["甲", "乙", "丙", "丁"], "amount": [Decimal("1.5"), None, Decimal("0.000001"), Decimal(12)],
               "day": [day, None, day, dt.date(2021, 12, 31)], "kind": ["a", "b", "a", "c"]}
    try:
        with engine.begin() as conn:
            insert_columns(conn, table, columns)
            fast = conn.execute(select(table).order_by(table.c.id)).all()
            conn.execute(table.delete())
            conn.execute(insert(table), [dict(zip(columns, row, strict=True))
                                         for row in zip(*columns.values(), strict=True)])
            plain = conn.execute(select(table).order_by(table.c.id)).all()
        assert [r[1:] for r in fast] == [r[1:] for r in plain]
        assert fast[0][2] == Decimal("1.5") and fast[1][3] is None
        # a column default the rows do not give: SQLAlchemy's own executemany fills it
        with engine.begin() as conn:
            conn.execute(table.delete())
            insert_columns(conn, table, {"name": ["戊"], "amount": [None], "day": [None]})
            assert conn.execute(select(table.c.kind)).scalar_one() == "plain"
        with pytest.raises(TypeError, match="never a float"), engine.begin() as conn:
            insert_columns(conn, table, {"name": ["己"], "amount": [1.5], "day": [None], "kind": ["x"]})
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(table)).scalar_one() == 1
    finally:
        metadata.drop_all(engine)
        engine.dispose()


def test_an_import_links_each_new_project_to_its_own_rows(store, tmp_path):
    """Ids come back by name after the bulk insert: each project's plans, milestones and audit
    row are its own, in the annex's order."""
    from projtrack.importer.plan import snapshot_json
    from projtrack.services.annex import import_annex
    from projtrack.store.models import AnnualPlan, AuditLog, Milestone, Project
    from projtrack.store.repo import to_facts

    path = save(tmp_path / "附件.xlsx", annex(list(reversed(ITEMS))))
    plan = import_annex(store, path)
    assert not plan.errors and len(plan.added) == len(ITEMS)
    with store.read() as s:
        projects = s.execute(select(Project).order_by(Project.id)).scalars().all()
        assert [p.name for p in projects] == [f.name for f in plan.added]
        for p, facts in zip(projects, plan.added, strict=True):
            plans = dict(s.execute(select(AnnualPlan.year, AnnualPlan.amount)
                                   .where(AnnualPlan.project_id == p.id)).all())
            assert plans == facts.annual_plan
            ms = s.execute(select(Milestone).where(Milestone.project_id == p.id)
                           .order_by(Milestone.seq)).scalars().all()
            defaults = default_milestone_dates(facts.start_year, facts.end_year)
            assert [(m.name, m.planned) for m in ms] == [(n, defaults.get(n)) for n in MILESTONES]
            [audit] = s.execute(select(AuditLog).where(AuditLog.entity_id == p.id,
                                                       AuditLog.action == "create")).scalars().all()
            assert (audit.project_id, audit.new_value, audit.field) == (p.id, p.name, "name")
            assert p.version == 1 and p.total_investment == facts.total_investment
            # every field as the row-by-row ORM path wrote it: facts, phase, status, source, snapshot
            assert to_facts(p, plans) == replace(facts, id=p.id, phase=initial_phase(facts),
                                                 status="active")
            assert p.annex_facts == snapshot_json(facts) and p.source_file == facts.source.file


def test_reading_pauses_the_collector_and_restores_it(tmp_path):
    import gc

    path = save(tmp_path / "a.xlsx", annex())
    assert gc.isenabled()
    read_annex(path)
    assert gc.isenabled()
    gc.disable()
    try:
        read_annex(path)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_sheet_scan_finds_what_a_plain_scan_finds(tmp_path):
    """The scan searches for merges, hidden rows and uncached formulas only in the chunks that
    hold the words they need; the words are there whatever the spacing or prefix."""
    body = ('<row r="1" hidden="1"><c r="A1"><f>SUM(B1:C1)</f></c></row><row r="2"><c r="A2"><v>1</v></c></row>'
            '</sheetData><mergeCells count="1"><mergeCell ref="A1:B2"/></mergeCells><sheetData>')
    small = save(tmp_path / "small.xlsx", annex())
    for prefix in ("", "x"):
        path = replace_part(small, SHEET, _sheet(body, prefix), tmp_path / f"scan{prefix}.xlsx")
        with wbmod.Book(path) as book:
            scan = book.sheets[0].scan()
        assert scan.merges == [(1, 1, 2, 2)] and scan.hidden_rows == {1} and scan.uncached_formulas
    with wbmod.Book(small) as book:
        scan = book.sheets[0].scan()
    assert not scan.uncached_formulas and not scan.hidden_rows
