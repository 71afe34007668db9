"""Forecasts through the command line, in real processes on real databases: the export's new
fields and ``projtrack forecast`` (table and --json), worked by hand on one project.

平阳县昆阳镇第六小学新建工程: 总投资 13,016, 2023 plan 4,654, end year 2023 (投用 due 2023-08-31).
Read on 2023-07-31 (day 212, R = 153 days left; the 56 days run from 2023-06-06):
- 完成投资 1,000 on 2023-01-10 and 560 on 2023-07-01 → this year 1,560, recent 560 (10 a day);
  year-end forecast 1,560 + 10 × 153 = 3,090; rate 3,090 ÷ 4,654 < 0.9 → year_at_risk.
- progress 10 % on 2023-05-01 and 38 % on 2023-06-26: 28 points in 56 days, 0.5 a day; 62
  points left → 124 days → 竣工 2023-10-28; no 竣工验收 planned → 投用 2023-10-28, after
  31 August 2023 → term at risk, with the new places the annex gives it.
- EV = 0.38 × 13,016 = 4,946.08 ≥ AC_life 1,560: no forecast overrun;
  EAC = 1,560 + (13,016 − 4,946.08) × 1,560 ÷ 4,946.08.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal

import pytest

from tests.conftest import SAMPLE

NAME = "平阳县昆阳镇第六小学新建工程"
AS_OF = "2023-07-31"


def cli(db: str, *args: str, as_of: str = AS_OF, lang: str | None = None):
    env = dict(os.environ)
    env.pop("PROJTRACK_LANG", None)
    argv = [sys.executable, "-m", "projtrack", "--db", db, "--as-of", as_of]
    if lang:
        argv += ["--lang", lang]
    return subprocess.run(argv + list(args), capture_output=True, text=True, env=env)


@pytest.fixture
def db(db_url):
    steps = [("import", str(SAMPLE)), ("phase", "set", NAME, "在建"),
             ("spend", "add", NAME, "1000", "--date", "2023-01-10"),
             ("spend", "add", NAME, "560", "--date", "2023-07-01"),
             ("progress", "add", NAME, "--date", "2023-05-01", "--stage", "基础",
              "--percent", "10%"),
             ("progress", "add", NAME, "--date", "2023-06-26", "--stage", "主体结构",
              "--percent", "38%")]
    for step in steps:
        r = cli(db_url, *step)
        assert r.returncode == 0, (step, r.stdout, r.stderr)
    return db_url


def test_the_export_carries_the_forecasts(db):
    r = cli(db, "export")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    p = next(x for x in data["projects"] if x["name"] == NAME)
    assert p["year_end_forecast"] == "3090"
    assert Decimal(p["year_end_forecast_rate"]) == Decimal(3090) / Decimal(4654)
    assert p["earned_value"] == "4946.08"
    ev, ac = Decimal("4946.08"), Decimal(1560)
    assert Decimal(p["eac"]) == ac + (Decimal(13016) - ev) * ac / ev
    assert p["overrun_forecast"] is None
    assert p["forecast_completion"] == "2023-10-28" == p["forecast_handover"]
    assert p["term_at_risk"] is True
    assert "year_at_risk" in p["flag_reasons"] and "term_at_risk" in p["flag_reasons"]
    assert p["flag"] == "red"
    # SPI over the whole life: EV ÷ (prior + PV); the sample gives this project no prior actual
    assert Decimal(p["spi"]) == ev / Decimal(p["planned_to_date"])
    # every project has the keys, term_at_risk true, false or null
    for x in data["projects"]:
        for key in ("year_end_forecast", "year_end_forecast_rate", "eac", "overrun_forecast",
                    "forecast_completion", "forecast_handover", "term_at_risk"):
            assert key in x, key
        assert x["term_at_risk"] in (True, False, None)
    # and every group
    overall = data["totals"]["overall"]
    for group in [overall, *data["totals"]["by_category"].values()]:
        for key in ("year_end_forecast", "year_end_forecast_rate", "eac", "overrun_forecast",
                    "forecast_completion", "forecast_handover", "term_at_risk",
                    "term_at_risk_count", "places_at_risk"):
            assert key in group, key
    school = data["totals"]["by_category"]["中小学"]
    assert school["term_at_risk"] is True and school["term_at_risk_count"] == 1
    assert school["places_at_risk"] == p["new_places"]
    assert overall["forecast_handover"] == "2023-10-28"
    # the other projects, with no progress points, have no forecast dates
    others = [x for x in data["projects"] if x["name"] != NAME and x["phase"] != "投用"]
    assert all(x["forecast_handover"] is None and x["term_at_risk"] is None for x in others)


def test_forecast_json_is_the_same_data(db):
    r = cli(db, "forecast", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["as_of"] == AS_OF
    p = next(x for x in data["projects"] if x["name"] == NAME)
    assert p["year_end_forecast"] == "3090" and p["actual_recent"] == "560"
    assert p["progress_rate"] == {"from": {"date": "2023-05-01", "percent": "0.1"},
                                  "to": {"date": "2023-06-26", "percent": "0.38"},
                                  "days": 56, "per_day": "0.005"}
    assert p["forecast_handover"] == "2023-10-28" and p["term_due"] == "2023-08-31"
    assert [x["name"] for x in data["term_risk"]] == [NAME]
    risk = data["term_risk"][0]
    assert risk["days_late"] == 58 and risk["new_places"] == p["new_places"]
    places = {x["category"]: x for x in data["places_at_risk"]}
    assert places["中小学"]["places"] == p["new_places"] and places["中小学"]["target"] == "20220"
    assert places["幼儿园"]["places"] == 0
    assert data["totals"]["overall"]["term_at_risk_count"] == 1


def test_forecast_table_in_chinese_and_english(db):
    r = cli(db, "forecast")
    assert r.returncode == 0, r.stderr
    assert "预测与风险(截至 2023-07-31)" in r.stdout
    assert "赶不上秋季开学的项目(1 个)" in r.stdout
    line = next(ln for ln in r.stdout.splitlines() if ln.startswith(NAME))
    assert "3,090.00" in line and "2023-10-28" in line and line.rstrip().endswith("是")
    r = cli(db, "forecast", lang="en")
    assert r.returncode == 0, r.stderr
    assert "Projects forecast to miss their autumn term (1)" in r.stdout
    assert "Year-end forecast" in r.stdout and "预测" not in r.stdout


def test_forecast_on_a_missing_database_is_exit_2(tmp_path):
    missing = tmp_path / "nope.db"
    r = cli(str(missing), "forecast")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert not missing.exists()
