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
