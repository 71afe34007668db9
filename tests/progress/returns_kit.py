"""Returns from real townships, in several shapes, for a portfolio — for tests that drive the
progress import with what comes back in practice rather than the pristine template.

Shapes (``SHAPES``):
- ``template``: the signed template, filled in as sent;
- ``renamed``: the signed template, its sheet renamed, a column inserted before the table
  (“联系人”) and the figures-on-record columns hidden;
- ``pasted_week``: the rows pasted into a new workbook (no hidden sheet): 项目代码, 项目名称,
  本周完成投资; the week in the title (“2026年第48周”);
- ``pasted_year``: as pasted, the figure typed as 本年累计 and the week as a date range;
- ``pasted_total``: as pasted, the figure typed as 开累 (prior actual included), matched by name
  alone, the week left to ``--week``;
- ``xls``: ``pasted_week`` saved as a legacy .xls (LibreOffice's converter).

``Row`` is one project's answer: the increment this week (what the database must record), and
what the sheet types for it is worked out from what is on record (``typed_for``).
``portfolio_returns`` makes one return per township of a database for a week, cycling through
the shapes, and says what each project's 完成投资 must become.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

SHAPES = ("template", "renamed", "pasted_week", "pasted_year", "pasted_total", "xls")
BASIS_OF = {"template": "week", "renamed": "week", "pasted_week": "week", "xls": "week",
            "pasted_year": "year", "pasted_total": "total"}
HEADER = {"week": "本周完成投资(万元)", "year": "本年累计完成投资(万元)",
          "total": "开累完成投资(万元)", "cumulative": "累计完成投资(万元)"}


@dataclass
class Row:
    """One project's answer: ``increment`` is what this week adds to 完成投资."""

    project_id: int
    name: str
    code: str | None = None
    township: str | None = None
    unit: str | None = None
    increment: Decimal = Decimal(0)
    percent: Decimal | None = None
    # what the database holds before the return, for the cumulative shapes: Σ this year,
    # Σ since the start (prior actual included)
    year_before: Decimal = Decimal(0)
    total_before: Decimal = Decimal(0)
    extra: dict = field(default_factory=dict)

    def typed_for(self, basis: str) -> Decimal:
        """What the sheet says for this row on ``basis`` (week, year or total)."""
        if basis == "year":
            return self.year_before + self.increment
        if basis == "total":
            return self.total_before + self.increment
        return self.increment


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_xls(path: Path) -> Path:
    """``path`` converted to .xls beside it by LibreOffice (headless)."""
    exe = soffice()
    if exe is None:
        raise RuntimeError("LibreOffice (soffice) is needed to make .xls test files")
    profile = path.parent / ".lo-profile"
    subprocess.run([exe, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "xls", "--outdir", str(path.parent), str(path)],
                   check=True, capture_output=True, timeout=120)
    out = path.with_suffix(".xls")
    assert out.exists(), f"LibreOffice wrote no {out.name}"
    return out


# --- the signed template, filled in ---------------------------------------------------------
def fill_template(template: Path, out: Path, rows: list[Row], *, shape: str = "template") -> Path:
    """Fill the template's 本周完成投资 (and percent) for ``rows``; for ``renamed``, rename the
    sheet, insert a column before the table and hide the figures on record."""
    wb = openpyxl.load_workbook(template)
    meta = {r[0]: r[1] for r in wb["_projtrack"].iter_rows(values_only=True)}
    ws = wb[meta["sheet"]]
    codes = meta["columns"].split(",")
    col = {c: i for i, c in enumerate(codes, 1)}
    first = int(meta["first_row"])
    at = {ws.cell(row=r, column=1).value: r for r in range(first, ws.max_row + 1)}
    for row in rows:
        r = at[row.project_id]
        ws.cell(row=r, column=col["week_actual"]).value = row.increment
        if row.percent is not None:
            ws.cell(row=r, column=col["percent"]).value = row.percent
    if shape == "renamed":
        wb.security = None
        ws.protection.sheet = False
        ws.title = "昆阳镇回报"
        ws.insert_cols(1)
        header = int(meta["header_row"])
        ws.cell(row=header, column=1).value = "联系人"
        for r in range(first, ws.max_row + 1):
            if ws.cell(row=r, column=2).value is not None:
                ws.cell(row=r, column=1).value = "王工"
        for code in ("total_investment", "annual_plan", "actual_to_date", "progress"):
            ws.column_dimensions[get_column_letter(col[code] + 1)].hidden = True
    wb.save(out)
    return out


# --- rows pasted into a workbook of the township's own -----------------------------------------
def plain_return(out: Path, rows: list[Row], *, basis: str = "week", title: str | None = None,
                 by: str = "code", extra_columns: bool = True) -> Path:
    """A workbook of the township's own: a title row (``title``; none when None), a 单位 row,
    the header, one row per project and a 合计 row.  ``by``: "code" gives 项目代码 and 项目名称,
    "name" the name alone.  ``extra_columns`` adds 序号, 总投资 and a 联系人 column (hidden)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    r = 1
    if title is not None:
        ws.cell(row=r, column=1).value = title
        r += 1
    ws.cell(row=r, column=1).value = "单位:万元"
    r += 1
    heads = (["序号"] if extra_columns else []) + (["项目代码"] if by == "code" else []) + \
        ["项目名称"] + (["总投资"] if extra_columns else []) + [HEADER[basis], "形象进度(%)",
                                                          "备注"] + \
        (["联系人"] if extra_columns else [])
    for c, h in enumerate(heads, 1):
        ws.cell(row=r, column=c).value = h
    if extra_columns:
        ws.column_dimensions[get_column_letter(len(heads))].hidden = True
    header_row = r
    total = Decimal(0)
    for i, row in enumerate(rows, 1):
        values = {"序号": i, "项目代码": row.code, "项目名称": row.name,
                  "总投资": row.extra.get("total"), HEADER[basis]: row.typed_for(basis),
                  "形象进度(%)": row.percent, "备注": row.extra.get("note"), "联系人": "李工"}
        for c, h in enumerate(heads, 1):
            cell = ws.cell(row=header_row + i, column=c)
            value = values.get(h)
            cell.value = float(value) if isinstance(value, Decimal) else value
            if isinstance(value, str):
                cell.data_type = "s"
        total += row.typed_for(basis)
    last = header_row + len(rows) + 1
    ws.cell(row=last, column=heads.index("项目名称") + 1).value = "合计"
    ws.cell(row=last, column=heads.index(HEADER[basis]) + 1).value = float(total)
    wb.save(out)
    return out


def week_title(week: str, monday: dt.date, sunday: dt.date, style: str) -> str | None:
    if style == "iso":
        return f"教育基建项目进度填报表({week})"
    if style == "cn":
        year, n = week.split("-W")
        return f"昆阳镇教育项目进度{year}年第{int(n)}周"
    if style == "range":
        return f"进度填报 {monday:%Y.%m.%d}至{sunday:%Y.%m.%d}"
    return None


def make_return(shape: str, out_dir: Path, rows: list[Row], *, week: str, monday: dt.date,
                sunday: dt.date, template: Path | None = None, stem: str = "return") -> Path:
    """One return of ``shape`` for ``rows`` in ``out_dir`` (``template``: the signed template
    for the template shapes)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    if shape in ("template", "renamed"):
        assert template is not None, "the template shapes fill a template"
        return fill_template(template, out_dir / f"{stem}.xlsx", rows, shape=shape)
    if shape in ("pasted_week", "xls"):
        path = plain_return(out_dir / f"{stem}.xlsx", rows, basis="week",
                            title=week_title(week, monday, sunday, "cn"))
        return to_xls(path) if shape == "xls" else path
    if shape == "pasted_year":
        return plain_return(out_dir / f"{stem}.xlsx", rows, basis="year",
                            title=week_title(week, monday, sunday, "range"))
    if shape == "pasted_total":
        return plain_return(out_dir / f"{stem}.xlsx", rows, basis="total", title="进度填报",
                            by="name", extra_columns=False)
    raise ValueError(shape)


# --- a whole portfolio's week ------------------------------------------------------------------
@dataclass
class Return:
    path: Path
    shape: str
    township: str
    rows: list[Row]
    needs_week: bool  # imported with --week (its title names none)


def rows_of(db: str, as_of: dt.date, *, amount=lambda v: Decimal(v.id % 7 + 1) * 10
            ) -> dict[str, list[Row]]:
    """The active projects of ``db`` by township, each with an increment (``amount(view)``)
    and what is on record at ``as_of``."""
    from projtrack.core.types import ACTUAL
    from projtrack.progress_io.template import EXCLUDED_PHASES
    from projtrack.services.portfolio import load_portfolio
    from projtrack.store.repo import Store

    store = Store.open(db)
    try:
        portfolio = load_portfolio(store, as_of, include_withdrawn=False)
        out: dict[str, list[Row]] = {}
        for v in portfolio.projects:
            f, g = v.facts, v.figures
            if g.phase in EXCLUDED_PHASES:
                continue
            entries = [(e.entry_date, e.amount) for e in store.entries(v.id, ACTUAL)
                       if e.entry_date <= as_of]
            total_before = (f.prior_actual or 0) + sum((a for _, a in entries), Decimal(0))
            room = max((f.total_investment or Decimal(0)) - total_before, Decimal(0))
            out.setdefault(f.township or "—", []).append(Row(  # never past 总投资
                v.id, f.name, f.project_code, f.township, f.responsible_unit,
                min(amount(v), room) if f.total_investment else amount(v),
                year_before=sum((a for d, a in entries if d.year == as_of.year), Decimal(0)),
                total_before=total_before, extra={"total": f.total_investment}))
    finally:
        store.close()
    return out


def portfolio_returns(db: str, out_dir: Path, *, week: str, monday: dt.date, sunday: dt.date,
                      as_of: dt.date, template_for=None, shapes=SHAPES,
                      amount=lambda v: Decimal(v.id % 7 + 1) * 10) -> list[Return]:
    """One return per township of ``db`` for ``week``, the shapes in turn (``template_for(
    township)`` makes that township's signed template, for the template shapes; without it
    those shapes are left out)."""
    shapes = [s for s in shapes if template_for is not None or s not in ("template", "renamed")]
    if soffice() is None:
        shapes = [s for s in shapes if s != "xls"]
    out = []
    for i, (town, rows) in enumerate(sorted(rows_of(db, as_of, amount=amount).items())):
        shape = shapes[i % len(shapes)]
        template = template_for(town) if shape in ("template", "renamed") else None
        path = make_return(shape, out_dir / f"{i:02d}", rows, week=week, monday=monday,
                           sunday=sunday, template=template, stem=f"{town}-{shape}")
        out.append(Return(path, shape, town, rows, shape == "pasted_total"))
    return out


# --- the committed .xls fixtures (for machines without LibreOffice) ----------------------------
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "returns"
FIXTURE_TOWN, FIXTURE_WEEK = "腾蛟镇", "2026-W48"
FIXTURE_AMOUNTS = (Decimal("12.5"), Decimal("30"))


def fixture_rows(db: str, as_of: dt.date) -> list[Row]:
    """The rows the committed .xls return holds: the fixture township's projects of the demo,
    with ``FIXTURE_AMOUNTS`` this week."""
    rows = rows_of(db, as_of)[FIXTURE_TOWN]
    for row, amount in zip(rows, FIXTURE_AMOUNTS, strict=False):
        row.increment = amount
    return rows[:len(FIXTURE_AMOUNTS)]


def make_fixtures(db: str, as_of: dt.date, folder: Path = FIXTURES) -> list[Path]:
    """Write the committed fixtures again (LibreOffice needed): the sample annex as .xls, and
    the fixture township's week as a pasted .xls return.  Run from the repository root:
    ``python -c "from tests.progress.returns_kit import *; ..."`` with a demo database."""
    folder.mkdir(parents=True, exist_ok=True)
    annex = folder / "sample-annex.xlsx"
    shutil.copyfile(FIXTURES.parent / "sample-annex.xlsx", annex)
    monday = dt.date.fromisocalendar(2026, 48, 1)
    ret = make_return("xls", folder, fixture_rows(db, as_of), week=FIXTURE_WEEK, monday=monday,
                      sunday=monday + dt.timedelta(days=6), stem="pasted-week")
    out = [to_xls(annex), ret]
    for p in (annex, folder / "pasted-week.xlsx"):
        p.unlink()
    shutil.rmtree(folder / ".lo-profile", ignore_errors=True)
    return out
