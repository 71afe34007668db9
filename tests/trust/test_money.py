"""Money is exact end to end: random amounts with up to 4 decimals, in every spelling officers
use, go through an annex import, CLI entries, storage, the JSON/CSV/xlsx exports and a
re-import of the exported workbook, and every figure and every sum comes back to the cent.
No binary float is on the path: the exports hold no float, the stored columns are integers."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from projtrack.core.money import parse_amount, read_number, to_plain
from tests.trust import annex
from tests.trust.helpers import cli

FULL = str.maketrans("0123456789,.", "０１２３４５６７８９，．")
CELL_STYLES = ("decimal", "number", "plain", "comma", "fullwidth", "approx", "wan", "yi",
               "cn_comma", "spaces")
TEXT_STYLES = tuple(s for s in CELL_STYLES if s not in ("decimal", "number"))
KINDS = ("完成投资", "到位资金", "拨付")
EXAMPLES = 15
NO_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate)  # each example takes a second or two:
# a failure is reported as found, not shrunk for minutes

amounts = st.integers(min_value=0, max_value=10**11 - 1).map(lambda n: Decimal(n).scaleb(-4))


def spell(d: Decimal, style: str) -> object:
    """``d`` 万元 as an officer (or Excel) writes it."""
    plain = to_plain(d) or "0"
    if style == "decimal":
        return d
    if style == "number":  # what Excel stores: an integer or a binary double
        return int(d) if d == d.to_integral_value() else float(plain)
    if style == "plain":
        return plain
    if style == "comma":
        return f"{d:,}"
    if style == "fullwidth":
        return f"{d:,}".translate(FULL)
    if style == "approx":
        return "约" + plain
    if style == "wan":
        return plain + "万元"
    if style == "yi":
        return (to_plain(d / 10000) or "0") + "亿"
    if style == "cn_comma":
        return f"{d:,}".replace(",", "，")
    if style == "spaces":
        return f"  {plain} "
    raise AssertionError(style)


@settings(max_examples=400, deadline=None)
@given(amounts, st.sampled_from(CELL_STYLES))
def test_every_spelling_reads_back_exactly(d, style):
    value = spell(d, style)
    got = read_number(value).value
    assert type(got) is Decimal and got == d, (value, got)
    if isinstance(value, str):
        assert parse_amount(value) == d


def _no_float(text: str) -> dict:
    def refuse(s: str):
        raise AssertionError(f"a float literal in the JSON export: {s}")

    data = json.loads(text, parse_float=refuse)

    def walk(v):
        assert not isinstance(v, float), v
        if isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(data)
    return data


def _dec(v: object) -> Decimal:
    return Decimal(str(v)) if v not in (None, "") else Decimal(0)


project_st = st.fixed_dictionaries({
    "total": amounts, "total_style": st.sampled_from(CELL_STYLES),
    "plans": st.dictionaries(st.sampled_from(annex.YEARS), st.tuples(amounts, st.sampled_from(CELL_STYLES)),
                             min_size=1, max_size=5),
    "entries": st.lists(st.tuples(amounts.filter(lambda a: a > 0), st.sampled_from(TEXT_STYLES),
                                  st.sampled_from(KINDS)), max_size=4),
})


def _xlsx_numbers(path: Path, sheet_index: int = 1) -> dict[str, str]:
    """cell → the exact text of every numeric cell of a sheet, as stored in the file."""
    with zipfile.ZipFile(path) as z:
        xml = z.read(f"xl/worksheets/sheet{sheet_index}.xml").decode()
    out = {}
    for ref, attrs, v in re.findall(r'<c r="([A-Z]+\d+)"([^>]*)>(?:<f>[^<]*</f>)?<v>([^<]*)</v>', xml):
        if 't="' not in attrs or 't="n"' in attrs:
            out[ref] = v
    assert "<f>" not in xml, "a formula in an export"
    return out


@settings(max_examples=EXAMPLES, deadline=None, phases=NO_SHRINK,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(project_st, min_size=1, max_size=4))
def test_amounts_survive_import_entry_storage_export_and_reimport(projects):
    with tempfile.TemporaryDirectory() as tmp:
        _round_trip(Path(tmp), projects)


class _Cap:  # capsys is function-scoped; hypothesis runs many examples in one test call
    def __init__(self):
        self.out, self.err = io.StringIO(), io.StringIO()

    def readouterr(self):
        o, e = self.out.getvalue(), self.err.getvalue()
        self.out.seek(0), self.out.truncate(), self.err.seek(0), self.err.truncate()
        return o, e


def _run(db: str, *args: str, as_of: str = "2025-12-31"):
    from contextlib import redirect_stderr, redirect_stdout

    cap = _Cap()
    with redirect_stdout(cap.out), redirect_stderr(cap.err):
        rc, out, err = cli(cap, db, *args, as_of=as_of)
    assert rc == 0, (args, out, err)
    return out


def _round_trip(tmp: Path, projects: list[dict]) -> None:
    names = [f"平阳县测试{i}号学校新建工程" for i in range(len(projects))]
    items = [annex.Item(name, spell(p["total"], p["total_style"]),
                        {y: spell(a, s) for y, (a, s) in p["plans"].items()},
                        years=f"{min(p['plans'])}-{max(p['plans'])}")
             for name, p in zip(names, projects, strict=True)]
    book = tmp / "附件.xlsx"
    annex.build(items, book)
    db = str(tmp / "t.db")

    # the reader hands over Decimals only
    from projtrack.importer import read_annex

    # random amounts are no plausible school budgets: the unit is given, as an officer would
    # give it, so the unit check takes them as they are
    from projtrack.importer.model import ReadOptions

    parsed = read_annex(book, ReadOptions(money_unit="万元"))
    assert not parsed.errors, parsed.errors
    for f in parsed.projects:
        for v in (f.total_investment, f.period_plan, *f.annual_plan.values()):
            assert v is None or type(v) is Decimal, v

    _run(db, "import", str(book), "--county", "平阳县", "--unit", "万元")
    want_total = {n: p["total"] for n, p in zip(names, projects, strict=True)}
    want_plans = {n: {y: a for y, (a, _s) in p["plans"].items()} for n, p in zip(names, projects, strict=True)}
    want_sums: dict[str, dict[str, Decimal]] = {n: dict.fromkeys(KINDS, Decimal(0)) for n in names}
    for name, p in zip(names, projects, strict=True):
        for amount, style, kind in p["entries"]:
            args = ["spend", "add", name, str(spell(amount, style)), "--date", "2025-03-01",
                    "--kind", kind]
            if kind == "到位资金":
                args += ["--source", "县财政"]
            _run(db, *args)
            want_sums[name][kind] += amount

    # storage: integers in the database, Decimals out of it
    con = sqlite3.connect(db)
    kinds = {r[0] for r in con.execute(
        "SELECT typeof(total_investment) FROM project UNION SELECT typeof(amount) FROM ledger_entry "
        "UNION SELECT typeof(amount) FROM annual_plan")}
    con.close()
    assert kinds <= {"integer"}, kinds

    # JSON
    data = _no_float(_run(db, "export"))
    by_name = {p["name"]: p for p in data["projects"]}
    for n in names:
        p = by_name[n]
        assert Decimal(p["total_investment"]) == want_total[n]
        assert {int(y): Decimal(a) for y, a in p["annual_plan"].items() if Decimal(a)} == {
            y: a for y, a in want_plans[n].items() if a}
        assert Decimal(p["actual_to_date"]) == want_sums[n]["完成投资"]
        assert Decimal(p["funds_received"]) == want_sums[n]["到位资金"]
        assert Decimal(p["payments"]) == want_sums[n]["拨付"]
    overall = data["totals"]["overall"]
    assert Decimal(overall["total_investment"]) == sum(want_total.values())
    assert Decimal(overall["actual_to_date"]) == sum(s["完成投资"] for s in want_sums.values())
    assert Decimal(overall["funds_received"]) == sum(s["到位资金"] for s in want_sums.values())

    # CSV
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(_run(db, "export", "--format", "csv")))}
    for n in names:
        r = rows[n]
        assert _dec(r["total_investment"]) == want_total[n]
        assert _dec(r["actual_to_date"]) == want_sums[n]["完成投资"]
        for y in annex.YEARS:
            assert _dec(r.get(f"plan_{y}")) == want_plans[n].get(y, Decimal(0))

    # xlsx: the exact decimal text is in the file, and it re-imports to the same facts
    out = tmp / "export.xlsx"
    _run(db, "export", "--format", "xlsx", "--out", str(out))
    stored = {Decimal(v) for v in _xlsx_numbers(out).values()}
    for n in names:
        assert want_total[n] in stored or want_total[n] == 0
        assert all(a in stored or a == 0 for a in want_plans[n].values())
    db2 = str(tmp / "again.db")
    _run(db2, "import", str(out), "--county", "平阳县", "--unit", "万元")
    again = {p["name"]: p for p in _no_float(_run(db2, "export"))["projects"]}
    for n in names:
        assert Decimal(again[n]["total_investment"]) == want_total[n]
        assert {int(y): Decimal(a) for y, a in again[n]["annual_plan"].items() if Decimal(a)} == {
            y: a for y, a in want_plans[n].items() if a}


@pytest.mark.parametrize("value", [1.5, float("nan")])
def test_a_float_never_reaches_a_money_column(store, value):
    import datetime as dt

    from projtrack.store.models import LedgerEntry, Project

    with pytest.raises(Exception, match="float"):
        with store.write() as s:
            p = Project(name="P")
            s.add(p)
            s.flush()
            s.add(LedgerEntry(project_id=p.id, kind="完成投资", entry_date=dt.date(2024, 1, 1),
                              amount=value))


@pytest.mark.parametrize("cell", ["2.820933923646603e+69", "1e12", "9" * 30, "0.0000001", "1e-400"])
def test_an_annex_amount_the_database_cannot_hold_is_refused_not_crashed(cell, tmp_path, capsys):
    """Found by the fuzzer: such a cell used to fail the write (an internal error)."""
    book = tmp_path / "附件.xlsx"
    annex.build([annex.Item("平阳县第一小学新建工程", "100", {2022: cell}, years="2022-2022"),
                 annex.Item("平阳县第二小学新建工程", "200", {2022: "200"}, years="2022-2022")], book)
    db = str(tmp_path / "t.db")
    for lang, word in (("en", "cannot be stored"), (None, "无法精确保存")):
        rc, out, err = cli(capsys, db, "import", str(book), "--county", "平阳县", lang=lang)
        assert rc == 1 and word in out and "第一小学" in out, out + err
        assert "internal" not in err and "内部" not in err, err
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM project").fetchone()[0] == 0
    con.close()


@pytest.mark.parametrize("amount", ["1e20", "1,000,000,000,000", "0.0000001"])
def test_a_typed_amount_the_database_cannot_hold_is_refused(amount, tmp_path, capsys):
    db = str(tmp_path / "t.db")
    from projtrack.store.models import Project
    from projtrack.store.repo import Store

    store = Store.open(db)
    with store.write() as s:
        s.add(Project(name="平阳县第一小学新建工程"))
    store.close()
    for args in (["spend", "add", "1", amount, "--date", "2024-01-05"], ["plan", "set", "1", "2026", amount]):
        rc, out, err = cli(capsys, db, *args)
        assert rc == 1 and f"“{amount}”" in err and "internal" not in err, err
        assert "too large" in err or "finer than one cent" in err, err
