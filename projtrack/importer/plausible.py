"""The money and land units checked against the figures, so a wrong unit is never silent.

A school or kindergarten project costs between about 100 and 200,000 万元 and about 1–20 万元 per
new place, and takes about 0.01–0.1 亩 of land per place.  When the unit a sheet's figures were
read in puts the median project far outside that (median 总投资 below 10 or above 1,000,000 万元,
or land per place below 0.004 or above 2 亩), the import is an error that says which unit was read
and where from, and what the median figure would be under each other unit; ``--unit`` and
``--land-unit`` settle it.  A sheet with fewer than three figures is not judged.
"""

from __future__ import annotations

from decimal import Decimal
from statistics import median

from projtrack.core.money import to_plain

from .model import IssueLog, ParsedAnnex, ReadOptions

MONEY_UNITS = {"元": Decimal("0.0001"), "万元": Decimal(1), "亿元": Decimal(10000)}
LAND_SCALES = {"亩": Decimal(1), "平方米": Decimal(15) / Decimal(10000), "公顷": Decimal(15)}
TOTAL_RANGE = (Decimal(10), Decimal(1_000_000))  # 万元, the median project
PER_PLACE_RANGE = (Decimal("0.05"), Decimal(500))  # 万元 per new place, the median project
LAND_PER_PLACE = (Decimal("0.004"), Decimal(2))  # 亩 per new place
MIN_FIGURES = 3


def _fmt(value: Decimal) -> str:
    """A figure for a message: whole 万元 with separators from 100 up, else four decimals
    (formatting, unlike quantize, takes any magnitude a cell may hold)."""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:.4f}".rstrip("0").rstrip(".")
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text if text not in ("", "0", "-0") else f"{value:.2E}" if value else "0"


def check_units(result: ParsedAnnex, options: ReadOptions, log: IssueLog) -> None:
    for m in result.maps:
        projects = [p for p in result.projects if p.source and p.source.sheet == m.sheet]
        if not options.money_unit:  # --unit: the officer says every amount is in that unit
            _money(m, projects, log)
            _against_total(m, projects, log)
            _outliers(m, projects, log, "total")
        if not options.land_unit:
            _outliers(m, projects, log, "land")
        if not options.land_unit:
            _land(m, projects, log)


def _money(m, projects, log: IssueLog) -> None:
    totals = [p.total_investment for p in projects if p.total_investment]
    if len(totals) < MIN_FIGURES:
        return
    mid = median(totals)
    per_place = [p.total_investment / p.new_places for p in projects
                 if p.total_investment and p.new_places]
    low, high = TOTAL_RANGE
    odd_place = len(per_place) >= MIN_FIGURES and not (
        PER_PLACE_RANGE[0] <= median(per_place) <= PER_PLACE_RANGE[1])
    if low <= mid <= high and not odd_place:
        return
    read = {**MONEY_UNITS, "千元": Decimal("0.1")}.get(m.money_unit, Decimal(1))
    raw = mid / read
    others = "; ".join(f"{name}: {_fmt(raw * scale)} 万元" for name, scale in MONEY_UNITS.items()
                       if scale != read)
    where = f"from {m.money_unit_from}" if m.money_unit_from else "no unit was found, 万元 assumed"
    log.error(
        "implausible_unit",
        f"Sheet {m.sheet}: amounts were read in {m.money_unit} ({where}), which makes the median "
        f"project's 总投资 {_fmt(mid)} 万元 — a school project costs about 100 to 200,000 万元. "
        f"Under the other units it would be {others}. Say which unit the sheet uses with --unit "
        "(万元, 亿元 or 元).", sheet=m.sheet,
        found=f"{m.money_unit} ({m.money_unit_from or '—'}): {_fmt(mid)} 万元",
        expected=others)


def _land(m, projects, log: IssueLog) -> None:
    per_place = [p.land_mu / p.new_places for p in projects if p.land_mu and p.new_places]
    if len(per_place) < MIN_FIGURES:
        return
    mid = median(per_place)
    if LAND_PER_PLACE[0] <= mid <= LAND_PER_PLACE[1]:
        return
    land = next((c for c in m.columns if c.field == "land"), None)
    letter = land.letter if land else "?"
    header = land.header if land else ""
    unit = land.unit if land and land.unit else "亩"
    lands = median([p.land_mu for p in projects if p.land_mu])
    log.error(
        "implausible_land_unit",
        f"Sheet {m.sheet}: land (column {letter} '{header}') read in {unit} makes the median project "
        f"{to_plain(mid.quantize(Decimal('0.0001')))} 亩 per new place (median land "
        f"{_fmt(lands)} 亩) — a school needs about 0.01 to 0.1 亩 a place. Say which unit the "
        "column uses with --land-unit (亩, 平方米 or 公顷).", sheet=m.sheet,
        cell=f"{letter}{m.header_rows[1]}", found=f"{_fmt(lands)} 亩",
        expected="亩, 平方米, 公顷")


RATIO_RANGE = (Decimal("0.0005"), Decimal(20))  # a plan or prior actual against 总投资


def _against_total(m, projects, log: IssueLog) -> None:
    """Each money column against 总投资: a period plan, a year's plan or a prior actual that
    is thousands of times the total (or a ten-thousandth of it) was read in the wrong unit."""
    series = {"period": [(p.period_plan, p.total_investment) for p in projects],
              "prior": [(p.prior_actual, p.total_investment) for p in projects]}
    for col in m.columns:
        if col.field == "year":
            series[f"year{col.year}"] = [(p.annual_plan.get(col.year), p.total_investment)
                                         for p in projects]
    for col in m.columns:
        key = f"year{col.year}" if col.field == "year" else col.field
        if col.field not in ("period", "prior", "year") or key not in series:
            continue
        ratios = [v / total for v, total in series.pop(key) if v and total]
        if len(ratios) < MIN_FIGURES:
            continue
        mid = median(ratios)
        if RATIO_RANGE[0] <= mid <= RATIO_RANGE[1]:
            continue
        total = next((c for c in m.columns if c.field == "total"), None)
        log.error(
            "unit_mismatch",
            f"Sheet {m.sheet}: column {col.letter} ('{col.header}', read in {col.unit}"
            f"{' from ' + col.unit_from if col.unit_from else ', no unit found'}) is "
            f"{_fmt(mid)} times 总投资 (column {total.letter if total else '?'}, in "
            f"{total.unit if total else '?'}) for the median project: the two columns are not in "
            "the same unit. Give the unit in the header, or --unit if every amount is in one.",
            sheet=m.sheet, cell=f"{col.letter}{m.header_rows[1]}",
            found=f"{col.unit} ×{_fmt(mid)}", expected=total.unit if total else "")


OUTLIER = Decimal(1000)  # a project this many times the median (or a thousandth of it)


def _outliers(m, projects, log: IssueLog, which: str) -> None:
    """One figure in another unit among right ones (元 typed in a 万元 column, 平方米 in an 亩
    one): the sheet's median looks right, so each project is measured against it."""
    checks = (("total", "total_investment", None), ("land", "land_mu", "new_places"))
    for fld, attr, per in checks:
        if fld != which:
            continue
        col = next((c for c in m.columns if c.field == fld), None)
        if col is None:
            continue
        def measure(p, attr=attr, per=per):
            value = getattr(p, attr)
            if not value:
                return None
            if per is None:
                return value
            count = getattr(p, per)
            return value / count if count else None
        values = [(p, v) for p in projects if (v := measure(p)) is not None]
        if len(values) < MIN_FIGURES:
            continue
        mid = median(v for _, v in values)
        for p, v in values:
            if mid and (v / mid > OUTLIER or mid / v > OUTLIER) and p.source:
                cell = f"{col.letter}{p.source.row}"
                figure = getattr(p, attr)
                log.error(
                    f"outlier_{fld}",
                    f"Cell {m.sheet}!{cell} ({col.header}) of project '{p.name}' is "
                    f"{_fmt(figure)} — {_fmt(v / mid) if v > mid else '1/' + _fmt(mid / v)} times "
                    "the median project's" + (" per new place" if per else "") + ": it is "
                    "surely in another unit than the column's; correct the cell.", sheet=m.sheet, cell=cell, found=_fmt(figure),
                    expected=_fmt(mid))
