"""Fuzzing the importer with mutated real annexes — cells, types, merged ranges, sheets, and the
raw XML bytes inside the zip: it imports or reports errors, it never raises, and it never writes
a partial import (an import with errors writes nothing; one without is complete: importing the
same file again changes nothing)."""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from projtrack.services.annex import import_annex, summary_json, summary_text
from projtrack.store.repo import Store
from tests.conftest import SAMPLE
from tests.trust.helpers import integrity, snapshot

EXAMPLES = int(os.environ.get("PROJTRACK_FUZZ_EXAMPLES", "15"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                phases=(Phase.explicit, Phase.reuse, Phase.generate),
                suppress_health_check=list(HealthCheck))
SAMPLE_BYTES = Path(SAMPLE).read_bytes()
ROWS, COLS = 112, 20

words = st.sampled_from(["待定", "—", "/", "原址", "约2000", "３，６００", "1,200.5", "2021-2023",
                         "2021年-2023年", "2021.3-2023.8", "合计", "小计", "总计(88个)",
                         "一、中小学项目(44个)", "(一)续建项目(9个)", "注:1.本表", "项目名称", "总投资",
                         "=SUM(A1:A3)", "+1", "-", "@x", "新建", "幼儿园", "", " ", "\n", "1e400",
                         "NaN", "-0", "0.0000001", "9" * 30, "亿", "1.2亿元", "２０２１年"])
values = st.one_of(
    st.none(), words,
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40),
    st.integers(min_value=-(10**16), max_value=10**16),
    st.floats(allow_nan=False, allow_infinity=False),
    st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-10**9, max_value=10**9),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 1, 2), max_value=dt.datetime(2100, 1, 1)),
)
cell_edits = st.lists(st.tuples(st.integers(1, ROWS), st.integers(1, COLS), values,
                                st.booleans()), min_size=1, max_size=25)
ranges = st.tuples(st.integers(1, ROWS), st.integers(1, COLS), st.integers(0, 4), st.integers(0, 4))
sheet_ops = st.lists(st.sampled_from(["rename", "add_empty", "copy", "delete_rows", "insert_rows",
                                      "unmerge_all", "swap_columns", "numbers_as_text",
                                      "text_as_numbers"]), max_size=3)


_TEMPLATE: dict[str, bytes] = {}


def _sample_db() -> bytes:
    """A database file holding the sample annex (built once): a mutated annex imported into it
    may add, update and withdraw."""
    if "db" not in _TEMPLATE:
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "template.db"
            store = Store.open(str(db))
            assert not import_annex(store, SAMPLE).errors
            store.close()
            _TEMPLATE["db"] = db.read_bytes()
    return _TEMPLATE["db"]


def _import_and_check(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "t.db")
        Path(db).write_bytes(_sample_db())
        path = Path(tmp) / "附件.xlsx"
        store = Store.open(db)
        try:
            before = snapshot(db)
            path.write_bytes(data)
            plan = import_annex(store, path)  # must not raise, whatever the file holds
            summary_text(plan, dry_run=False)
            summary_json(plan, dry_run=False)
            if plan.errors or plan.held:
                assert snapshot(db) == before, "an import with errors, or held, wrote something"
            if not plan.errors:
                if plan.held:  # it blanks or withdraws much: confirmed, it is written
                    assert not import_annex(store, path, confirmed=True).held
                again = import_annex(store, path)
                assert not again.errors and not again.has_changes, "the import was not complete"
            assert integrity(db) == "ok"
        finally:
            store.close()


def _save(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@FUZZ
@given(cell_edits)
def test_mutated_cells_and_types(edits):
    wb = openpyxl.load_workbook(io.BytesIO(SAMPLE_BYTES))
    ws = wb.active
    merged = {c for r in ws.merged_cells.ranges for c in r.cells if c != (r.min_row, r.min_col)}
    for row, col, value, as_text in edits:
        if (row, col) in merged:
            continue
        cell = ws.cell(row, col)
        if isinstance(value, str) and value.startswith("=") and not as_text:
            cell.value = value  # a real formula, without a cached value
            continue
        try:
            cell.value = str(value) if as_text and value is not None else value
        except (ValueError, TypeError):  # openpyxl refuses some characters
            continue
        if isinstance(cell.value, str):
            cell.data_type = "s"
    _import_and_check(_save(wb))


@FUZZ
@given(st.lists(ranges, max_size=6), sheet_ops, st.integers(1, ROWS), st.integers(1, 12))
def test_mutated_merges_and_sheets(merges, ops, at, n):
    wb = openpyxl.load_workbook(io.BytesIO(SAMPLE_BYTES))
    ws = wb.active
    for op in ops:
        try:
            _sheet_op(wb, ws, op, at, n)
        except (KeyError, ValueError, IndexError):  # openpyxl's own limits, not the importer's
            continue
    for r0, c0, dr, dc in merges:
        ref = f"{openpyxl.utils.get_column_letter(c0)}{r0}:{openpyxl.utils.get_column_letter(c0 + dc)}{r0 + dr}"
        try:
            ws.merge_cells(ref)
        except ValueError:
            continue
    _import_and_check(_save(wb))


def _sheet_op(wb, ws, op: str, at: int, n: int) -> None:
    """One change of a whole sheet, as officers make them."""
    if op == "rename":
        ws.title = "Sheet1"
    elif op == "add_empty":
        wb.create_sheet("空表", 0)
    elif op == "copy":
        wb.copy_worksheet(ws).title = "附件 (2)"
    elif op == "delete_rows":
        ws.delete_rows(at, n)
    elif op == "insert_rows":
        ws.insert_rows(at, n)
    elif op == "unmerge_all":
        for r in list(ws.merged_cells.ranges):
            ws.unmerge_cells(str(r))
    elif op == "swap_columns":
        for row in ws.iter_rows(min_row=1, max_row=ws.max_row):
            a, b = row[(at % 17)], row[(at + n) % 17]
            if type(a).__name__ == "Cell" and type(b).__name__ == "Cell":
                a.value, b.value = b.value, a.value
    elif op in ("numbers_as_text", "text_as_numbers"):
        for row in ws.iter_rows(min_row=at, max_row=min(at + n, ws.max_row)):
            for c in row:
                if type(c).__name__ != "Cell":
                    continue
                if op == "numbers_as_text" and isinstance(c.value, (int, float)):
                    c.value = f"{c.value:,}"
                    c.data_type = "s"
                elif op == "text_as_numbers" and isinstance(c.value, str):
                    try:
                        c.value = Decimal(c.value.replace(",", ""))
                    except ArithmeticError:
                        pass


XML_MEMBERS = sorted(n for n in zipfile.ZipFile(io.BytesIO(SAMPLE_BYTES)).namelist()
                     if n.endswith((".xml", ".rels")))
byte_ops = st.lists(st.tuples(st.sampled_from(["flip", "delete", "insert", "duplicate", "truncate",
                                               "swap_tag"]),
                              st.floats(0, 1), st.integers(1, 64), st.binary(min_size=1, max_size=8)),
                    min_size=1, max_size=4)


def _mutate(body: bytes, ops) -> bytes:
    b = bytearray(body)
    for op, where, size, blob in ops:
        if not b:
            break
        i = int(where * (len(b) - 1))
        if op == "flip":
            b[i] ^= blob[0] or 1
        elif op == "delete":
            del b[i:i + size]
        elif op == "insert":
            b[i:i] = blob
        elif op == "duplicate":
            b[i:i] = b[i:i + size]
        elif op == "truncate":
            del b[i:]
        elif op == "swap_tag":  # turn one element name into another that exists in the part
            b = bytearray(bytes(b).replace(b"<v>", b"<t>", 1) if size % 2 else
                          bytes(b).replace(b'r="', b'r="A', 1))
    return bytes(b)


@FUZZ
@given(st.sampled_from(XML_MEMBERS), byte_ops, st.booleans())
def test_mutated_xml_bytes_inside_the_zip(member, ops, stored):
    src = zipfile.ZipFile(io.BytesIO(SAMPLE_BYTES))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            dst.writestr(info.filename, _mutate(body, ops) if info.filename == member else body)
    _import_and_check(out.getvalue())


@FUZZ
@given(byte_ops)
def test_mutated_zip_container(ops):
    _import_and_check(_mutate(SAMPLE_BYTES, ops))
