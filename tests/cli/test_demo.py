"""The demo portfolio: deterministic and realistic."""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal

from projtrack.cli import main


def _export(capsys, db, as_of="2026-11-29") -> dict:
    capsys.readouterr()
    assert main(["--db", db, "--as-of", as_of, "export"]) == 0
    return json.loads(capsys.readouterr().out)


def test_demo_is_deterministic_and_realistic(tmp_path, capsys):
    a, b = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    assert main(["--as-of", "2026-11-29", "demo", "--db", a]) == 0
    assert main(["--as-of", "2026-11-29", "demo", "--db", b]) == 0
    da, db_ = _export(capsys, a), _export(capsys, b)
    assert da == db_
    projects = da["projects"]
    assert len(projects) == 88
    phases = Counter(p["phase"] for p in projects)
    assert phases["投用"] > 44 and phases["在建"] >= 5 and phases["前期"] >= 1
    reasons = Counter(r for p in projects for r in p["flag_reasons"])
    assert reasons["lagging_badly"] + reasons["lagging"] >= 3
    assert reasons["overrun"] >= 2 and reasons["milestone_overdue"] >= 3
    # a few projects of each forecast risk
    for reason in ("year_at_risk", "overrun_forecast", "term_at_risk", "no_progress_rate"):
        assert reasons[reason] >= 2, reason
    at_risk = [p for p in projects if p["term_at_risk"]]
    assert all(p["forecast_handover"] > f'{p["end_year"]}-08-31' for p in at_risk)
    # earned value over the whole life: a finished 续建 project reads SPI and CPI near 1, no
    # longer above 1.3
    continuing = [p for p in projects if p["annex_class"] == "续建" and p["cpi"]]
    assert continuing and all(Decimal(p["cpi"]) < Decimal("1.3") for p in continuing)
    assert all(Decimal(p["spi"]) < Decimal("1.3") for p in continuing if p["spi"])
    assert any(set(p["annual_plan"]) & {"2026", "2027"} for p in projects)
    slipped = [m for p in projects for m in p["milestones"] if (m["slip_days"] or 0) > 30]
    assert len(slipped) >= 5
    # rebuilding the demo in place is allowed; the history is the same
    assert main(["--as-of", "2026-11-29", "demo", "--db", a]) == 0
    assert _export(capsys, a) == db_


def test_demo_never_overwrites_a_real_database(tmp_path, capsys):
    from tests.conftest import SAMPLE

    real = str(tmp_path / "real.db")
    assert main(["--db", real, "import", str(SAMPLE)]) == 0
    capsys.readouterr()
    assert main(["--lang", "en", "demo", "--db", real]) == 2
    assert "not a demo database" in capsys.readouterr().err
    assert len(_export(capsys, real)["projects"]) == 88
