"""An officer's whole week on a fresh county database, through the command line as the officer
runs it: the annex imported, the fill-in templates sent out (one per township), thirty returns
back in the shapes townships really send (``returns_kit.SHAPES``: the template as sent, renamed
with columns inserted and hidden, rows pasted into a new workbook as 本周, 本年累计 or 开累,
saved as .xls), imported in one go, the 催报 list of who has not returned, the weekly report
(xlsx and PDF) and the 通报 paragraph.

``run_week`` is used by tests/test_week.py (every figure checked) and by the benchmark
(bench/week.py: the same week, timed).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import time
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from tests.progress import returns_kit as kit

WEEK = "2025-W48"  # the plan's last year: every project has its annual plan
MONDAY, SUNDAY = dt.date(2025, 11, 24), dt.date(2025, 11, 30)
RETURNS = 30  # returns sent back; the county's other groups of projects are chased


def cli(db: str, *args: str) -> tuple[int, str, str]:
    """``projtrack --db DB --as-of SUNDAY ARGS`` in this process: (exit code, stdout, stderr)."""
    from projtrack.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = main(["--db", db, "--as-of", SUNDAY.isoformat(), *args])
    return rc, out.getvalue(), err.getvalue()


def must(db: str, *args: str) -> str:
    rc, out, err = cli(db, *args)
    assert rc == 0, f"projtrack {' '.join(args)} → {rc}\n{out}\n{err}"
    return out


@dataclass
class Week:
    """What the week produced, for the checks."""

    db: str
    returns: list[kit.Return]
    chased: list[kit.Row]  # the projects of the groups that sent nothing
    import_out: str
    status_out: str
    brief: str
    reports: list[Path]
    steps: dict[str, float] = field(default_factory=dict)  # seconds each step took


def groups(db: str) -> list[tuple[str, list[kit.Row]]]:
    """The county's projects in the groups that each send one return: a township's projects of
    one responsible unit (a township's schools and its kindergartens are often reported by
    different people), in a stable order."""
    out: dict[tuple[str, str], list[kit.Row]] = {}
    for town, rows in sorted(kit.rows_of(db, SUNDAY).items()):
        for r in rows:
            out.setdefault((town, r.unit or ""), []).append(r)
    return [(f"{t}-{u}" if u else t, rows) for (t, u), rows in sorted(out.items())]


def run_week(folder: Path, annex: Path) -> Week:
    """The week in ``folder`` (a new database there), from ``annex``; each step timed."""
    steps: dict[str, float] = {}
    mark = time.perf_counter()

    def step(name: str) -> None:
        nonlocal mark
        t = time.perf_counter()
        steps[name] = t - mark
        mark = t

    db = str(folder / "county.db")
    must(db, "import", str(annex))
    step("import annex")
    towns = sorted(kit.rows_of(db, SUNDAY))
    templates = {}
    for town in towns:
        out = folder / "templates" / f"{town}.xlsx"
        out.parent.mkdir(exist_ok=True)
        must(db, "progress", "template", "--out", str(out), "--township", town, "--week", WEEK)
        templates[town] = out
    step("templates out")
    shapes = [s for s in kit.SHAPES if s != "xls" or kit.soffice()]
    sent, chased = [], []
    for i, (name, rows) in enumerate(groups(db)):
        if i >= RETURNS:
            chased.extend(rows)
            continue
        shape = shapes[i % len(shapes)]
        town = rows[0].township or ""
        path = kit.make_return(shape, folder / "returns" / f"{i:02d}", rows, week=WEEK,
                               monday=MONDAY, sunday=SUNDAY, template=templates.get(town),
                               stem=f"{name}-{shape}")
        sent.append(kit.Return(path, shape, town, rows, shape == "pasted_total"))
    step("returns filled (by the townships)")
    import_out = must(db, "progress", "import", "--week", WEEK, *(str(r.path) for r in sent))
    step("returns imported")
    status_out = must(db, "progress", "status", "--week", WEEK)
    step("progress status")
    reports_dir = folder / "reports"
    must(db, "report", "weekly", "--week", WEEK, "--out", str(reports_dir))
    reports = sorted(reports_dir.iterdir())
    step("weekly report (xlsx, pdf)")
    brief = must(db, "report", "brief", "--week", WEEK).strip()
    step("brief")
    return Week(db, sent, chased, import_out, status_out, brief, reports, steps)


def export(db: str) -> dict:
    return json.loads(must(db, "export"), parse_float=Decimal)
