"""The benchmark suite at a tiny N, so that it cannot rot: every task runs and reports a result
(or says that what it measures does not exist yet).  Nothing here is a timed assertion."""

from __future__ import annotations

import json

from bench.run import TARGETS, bench_n, machine, table


def test_every_benchmark_task_runs_at_a_tiny_n(tmp_path):
    r = bench_n(12, "weekly", tmp_path / "data", repeat=1, rounds=1, profile=False,
                pg=None, log=lambda _m: None)
    for key in ("xlsx_baseline", "import_read", "import_full", "sql_baseline", "portfolio",
                "tui", "report_xlsx", "report_pdf"):
        result = r[key]
        assert "error" not in result, (key, result)
        assert "peak_mb" in result, key
        if "missing" not in result:
            assert result["seconds"] is not None and result["seconds"] > 0, (key, result)
    for key in ("import_read", "import_full"):
        if "missing" not in r[key]:
            assert r[key]["errors"] == 0, r[key]
    assert r["portfolio"]["projects"] == 12
    assert r["xlsx_baseline"]["cells"] > 12 * 10
    assert r["portfolio_ratio"] is not None and r["import_read_ratio"] is not None
    text = table([r])
    assert text.splitlines()[2].startswith("| 12 (weekly) |")
    json.dumps({"machine": machine(), "targets": TARGETS, "results": [r]}, default=str)


def test_the_rows_against_the_peers_run_at_a_tiny_n(tmp_path):
    """bench/peers.py at N = 12, one round: every row measured, or skipped with its reason said
    (bench/.peers cannot be set up without a package index; tmux may be missing)."""
    import warnings

    from bench import peers
    from bench.run import run_peers, start_peers

    said: list[str] = []
    state = start_peers(said.append)
    try:
        res = run_peers(12, "weekly", tmp_path / "data", state, rounds=1, log=said.append)
    finally:
        if state["terminal"] is not None:
            state["terminal"].close()
    for why in state["skipped"]:  # never silently: the skip is in pytest's summary
        warnings.warn(f"bench peers: SKIPPED {why}", stacklevel=1)
    assert res["formulas"] == sum(1 for i in range(1, 13) if i % 50 < 19)
    rows = res["rows"]
    assert set(rows) == set(peers.LABELS)
    for key, row in rows.items():
        if "skipped" in row:
            assert any(key in why for why in state["skipped"]), (key, state["skipped"])
            continue
        subject = row["subject"]
        assert "error" not in subject, (key, subject)
        assert subject["seconds"] is not None and subject["seconds"] > 0, (key, row)
        assert row["goal"] == peers.GOALS[key][0] and row["met"] in (True, False), (key, row)
        if "peer" in row:
            assert "error" not in row["peer"], (key, row["peer"])
            assert row["ratio"] is not None and row["ratio"] > 0, (key, row)
            assert subject["peak_mb"] and row["peer"]["peak_mb"], (key, row)
    if not state["ok"]:
        assert all("skipped" in rows[k] for k in ("import", "import_formulas", "report_xlsx"))
    else:  # the peers' rows ran: XlsxWriter wrote the report's shape
        assert rows["report_xlsx"]["shape"]["sheets"], rows["report_xlsx"]
    text = peers.table([res])
    assert len(text.splitlines()) == 2 + len(rows)
    assert "| 12 | `projtrack --help` |" in text
    assert peers.memory_table([res]).splitlines()[0].startswith("| task | process | peak MB at 12 |")
    json.dumps(res, default=str)


def test_memory_growth_is_worked_out_from_10000_to_100000():
    from bench import peers

    def res(n: int, mb: float) -> dict:
        return {"n": n, "rows": {"import": {"subject": {"peak_mb": mb}, "peer": {"peak_mb": 20}}}}

    rows = peers.memory([res(10_000, 150.0), res(100_000, 900.0)])
    subject = next(r for r in rows if r["side"] == "subject")
    assert subject["growth"] == 6.0 and subject["growth_met"] is True
    assert subject["under_500_at_100000"] is False
    peer = next(r for r in rows if r["side"] == "peer")
    assert peer["growth"] == 1.0 and peer["under_500_at_100000"] is True


def test_the_county_level_benchmark_runs_at_a_tiny_n(tmp_path):
    """bench/counties.py at N = 12 in 3 counties: the county list, a county opened and the
    city's consolidated report are measured (no timing asserted)."""
    from bench.counties import bench_counties
    from bench.counties import table as county_table

    r = bench_counties(12, "weekly", tmp_path / "data", repeat=1, counties=3, log=lambda _m: None)
    for key in ("portfolio", "tui_counties", "report_xlsx", "report_pdf"):
        assert "error" not in r[key], (key, r[key])
        assert r[key]["seconds"] is not None and r[key]["seconds"] > 0, (key, r[key])
    assert r["tui_counties"]["counties"] == 3
    assert r["tui_counties"]["open_worst"] is not None and r["tui_counties"]["back_worst"]
    assert county_table([r]).splitlines()[2].startswith("| 12 (weekly) | 3 |")
