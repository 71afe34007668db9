"""The terminal UI's first screen of projects, read before the whole portfolio is loaded.

``first_page`` reads the projects the first screen shows (``store.firstpage``: plain sqlite3,
nothing of SQLAlchemy imported) and works out their figures with the functions the full load
uses — ``core.figures.ledger_sums`` (the pure reference the store's aggregate is tested
against), ``latest_progress`` and ``project_figures`` — over those projects' own entries,
progress and milestones.  So each row is the one ``load_portfolio`` gives (a test compares them
cell by cell).  What needs every project — a group's subtotals, the totals, the county level,
a sort or filter on a figure — is not here: the caller waits for the full load for that.

Only a SQLite file is read this way; a PostgreSQL database, a schema that is not this
program's, or stored rules this version cannot read give None, and the full load (which says
what is wrong, if anything) paints the first screen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from projtrack.core.figures import latest_progress, ledger_sums, project_figures
from projtrack.core.portfolio import ProjectView
from projtrack.core.rules import RuleRefused, stored_rules
from projtrack.core.types import FlagRules
from projtrack.store import firstpage as fp

Ask = fp.Ask
SQL_SORTS = frozenset(fp.SQL_SORTS)


@dataclass(frozen=True)
class FirstPage:
    """The first screen's projects at ``as_of`` in the table's order, with their figures."""

    as_of: dt.date
    rules: FlagRules
    ask: fp.Ask  # as read: the county dropped when it is not one of the database's
    views: tuple[ProjectView, ...]
    project_count: int  # every project that passes the filter
    group_rows: dict[str, int] = field(default_factory=dict)  # projects per category group
    group_counts: dict[str, int] = field(default_factory=dict)  # the same, not withdrawn
    counties: tuple[str, ...] = ()

    @property
    def multi_county(self) -> bool:
        """A city's database: the first screen is the county level, which waits for the load."""
        return len(self.counties) > 1


def sqlite_file(target: str | None) -> Path | None:
    """The SQLite file ``target`` names when it is a path (not a URL) to a file that exists
    and holds this program's schema; None for anything else (a server's URL, a missing file,
    another schema: opened the usual way, which says what is wrong)."""
    if not target or "://" in str(target) or str(target) == ":memory:":
        return None
    path = Path(target).expanduser()
    if not path.is_file():
        return None
    conn = fp.connect(path)
    if conn is None:
        return None
    conn.close()
    return path


def state_key(target: str) -> str:
    """The database ``target`` (a path) as ``services.database.store_name`` names its store once
    opened: what the remembered view of the portfolio is kept under."""
    return f"sqlite:///{Path(target).expanduser().resolve()}"


def first_page(path: Path, as_of: dt.date, ask: fp.Ask) -> FirstPage | None:
    """The first ``ask.limit`` projects of the table ``ask`` describes, with their figures;
    None when they cannot be had this way (see the module's docstring)."""
    got = fp.read(path, as_of, ask)
    if got is None:
        return None
    if ask.county is not None and (len(got.counties) <= 1 or ask.county not in got.counties):
        # the table forgets a county that is no longer there (or a county's own database)
        ask = fp.Ask(**{**ask.__dict__, "county": None})
        got = fp.read(path, as_of, ask)
        if got is None:
            return None
    try:
        rules = stored_rules(got.rules)
    except RuleRefused:
        return None  # the full load says which rule and what value
    views = []
    for f in got.facts:
        pid = f.id
        assert pid is not None
        points = got.points.get(pid, [])
        views.append(ProjectView(f, project_figures(
            f, ledger_sums(got.entries.get(pid, ()), as_of), as_of,
            progress=latest_progress(points, as_of), milestones=got.milestones.get(pid, ()),
            rules=rules, points=[p for p in points if p.percent is not None])))
    return FirstPage(as_of, rules, ask, tuple(views), got.project_count, got.group_rows,
                     got.group_counts, got.counties)
