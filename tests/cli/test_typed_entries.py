"""What an officer types, through the command line on both engines: dates with their year and
one reading, commas that group three digits, the echo of what was read, cumulative figures on
their basis with corrections confirmed, dates outside the project's years, plausibility
warnings — each refusal a Chinese message naming the field and the value typed, nothing
written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from projtrack.cli import main
from projtrack.services.entries import update_project
from projtrack.store.repo import Store
from tests.conftest import SAMPLE

AS_OF = "2023-06-30"
NAME = "平阳县昆阳镇第六小学新建工程"  # 总投资 13,016, years 2021–2023, no prior actual


def run(capsys, db, *args, lang="zh"):
    rc = main(["--db", db, "--as-of", AS_OF, "--lang", lang, *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return rc, out, err


@pytest.fixture
def db(db_url, capsys):
    rc, out, err = run(capsys, db_url, "import", str(SAMPLE))
    assert rc == 0, out + err
    return db_url


def entries(db, name=NAME):
    store = Store.open(db, create=False)
    try:
        return store.entries(store.find(name)[0][0])
    finally:
        store.close()


def pid_of(db, name=NAME) -> int:
    store = Store.open(db, create=False)
    try:
        return store.find(name)[0][0]
    finally:
        store.close()


@pytest.mark.parametrize("option", ["--date", "--as-of"])
def test_a_date_without_its_year_is_refused_and_asks_for_it(db, capsys, option):
    if option == "--date":
        args = ["spend", "add", NAME, "5", "--date", "11/27"]
    else:
        args = ["spend", "add", NAME, "5", "--date", "2023-05-01", "--as-of", "11/27"]
    rc, out, err = run(capsys, db, *args)
    label = "日期(--date)" if option == "--date" else "截至日期(--as-of)"
    assert rc == 2 and f"{label}“11/27”" in err and "缺少年份,请写上年份" in err, err
    assert entries(db) == []  # never year 1


def test_a_date_that_reads_two_ways_is_refused_one_that_reads_one_way_is_taken(db, capsys):
    rc, out, err = run(capsys, db, "spend", "add", NAME, "5", "--date", "03/04/2023")
    assert rc == 2 and "日和月分不清" in err and "2023-04-03 / 2023-03-04" in err, err
    rc, out, err = run(capsys, db, "milestone", "set", NAME, "开工", "--actual", "11月27日")
    assert rc == 2 and "实际日期(--actual)“11月27日”" in err
    assert entries(db) == []
    rc, out, err = run(capsys, db, "spend", "add", NAME, "5", "--date", "27/04/2023")
    assert rc == 0, err
    assert entries(db)[-1].entry_date == dt.date(2023, 4, 27)


def test_in_english_too(db, capsys):
    rc, out, err = run(capsys, db, "spend", "add", NAME, "5", "--date", "11/27", lang="en")
    assert rc == 2 and "date (--date) “11/27”: the year is missing" in err, err


@pytest.mark.parametrize("typed", ["120,5", "12,05", "120，5", "1,20,000"])
def test_a_comma_must_group_three_digits(db, capsys, typed):
    rc, out, err = run(capsys, db, "spend", "add", NAME, typed, "--date", "2023-05-01")
    assert rc == 1 and f"金额“{typed}”:逗号只能每三位分节" in err, err
    assert entries(db) == []


def test_the_entry_is_echoed_as_read(db, capsys):
    rc, out, err = run(capsys, db, "spend", "add", NAME, "1,205", "--date", "2023年5月1日")
    assert rc == 0, err
    assert "记录 完成投资 1,205.00 万元,日期 2023-05-01" in out and "已记录 #" in out
    rc, out, err = run(capsys, db, "spend", "add", NAME, "120.5", "--date", "2023-05-02",
                       lang="en")
    assert "recording Investment completed 120.50 万元, dated 2023-05-02" in out
    assert [e.amount for e in entries(db)] == [Decimal("1205"), Decimal("120.5")]


def test_a_year_to_date_figure_below_the_record_is_a_correction_to_confirm(db, capsys):
    # 12,000 this year, then "100" typed as 本年累计: the old program recorded −11,900
    rc, out, err = run(capsys, db, "spend", "add", NAME, "12,000", "--date", "2023-03-01")
    assert rc == 0 and "超过总投资 13,016.00 万元的一半" in err  # a warning, and saved
    rc, out, err = run(capsys, db, "spend", "add", NAME, "100", "--date", "2023-05-01",
                       "--cumulative", "year")
    assert rc == 1, out + err
    assert "本年累计 100.00 万元少于已记录的 12,000.00 万元,增量为 -11,900.00 万元" in err
    assert "--correction" in err
    assert len(entries(db)) == 1
    rc, out, err = run(capsys, db, "spend", "add", NAME, "100", "--date", "2023-05-01",
                       "--cumulative", "本年累计", "--correction")
    assert rc == 0, err
    assert "记录 完成投资 -11,900.00 万元" in out and "记为更正" in out
    last = entries(db)[-1]
    assert (last.amount, last.entered_cumulative, last.basis, last.correction) == \
        (Decimal("-11900"), Decimal("100"), "year", True)


def test_a_total_to_date_counts_prior_years_and_may_not_pass_the_budget(db, capsys):
    store = Store.open(db, create=False)
    update_project(store, pid_of(db), prior_actual=Decimal("5000"))  # a 续建 project
    store.close()
    assert run(capsys, db, "spend", "add", NAME, "7000", "--date", "2022-06-01")[0] == 0
    # 开累 12,400 includes the 5,000 before the period: an increment of 400, not 5,400
    rc, out, err = run(capsys, db, "spend", "add", NAME, "12,400", "--date", "2023-05-01",
                       "--cumulative", "total")
    assert rc == 0, err
    assert "记录 完成投资 400.00 万元,日期 2023-05-01(按开累 12,400.00 万元,减去已记录的 12,000.00 万元)" in out
    # a 开累 past 总投资 (13,016) is refused unless it is confirmed as a correction
    rc, out, err = run(capsys, db, "spend", "add", NAME, "22,300", "--date", "2023-06-01",
                       "--cumulative", "total")
    assert rc == 1 and "录入后开累 22,300.00 万元将超过总投资 13,016.00 万元(达 171.3%)" in err, err
    assert len(entries(db)) == 2
    rc, out, err = run(capsys, db, "spend", "add", NAME, "22,300", "--date", "2023-06-01",
                       "--cumulative", "total", "--correction")
    assert rc == 0 and entries(db)[-1].correction


def test_dates_outside_the_projects_years_need_force(db, capsys):
    rc, out, err = run(capsys, db, "spend", "add", NAME, "5", "--date", "2020-12-31")
    assert rc == 1 and "日期 2020-12-31 早于项目开工年份 2021" in err and "--force" in err
    later = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    rc, out, err = run(capsys, db, "spend", "add", NAME, "5", "--date", later)
    assert rc == 1 and f"日期 {later} 比今天" in err and "晚一周以上" in err
    rc, out, err = run(capsys, db, "progress", "add", NAME, "--date", later, "--percent", "10")
    assert rc == 1 and "--force" in err
    assert entries(db) == []
    assert run(capsys, db, "spend", "add", NAME, "5", "--date", "2020-12-31", "--force")[0] == 0
    assert run(capsys, db, "spend", "add", NAME, "5", "--date", later, "--force")[0] == 0
    assert len(entries(db)) == 2


def test_plausibility_is_warned_on_stderr_and_saved(db, capsys):
    rc, out, err = run(capsys, db, "progress", "add", NAME, "--date", "2023-05-01",
                       "--percent", "40")
    assert rc == 0 and not err
    rc, out, err = run(capsys, db, "progress", "add", NAME, "--date", "2023-06-01",
                       "--percent", "30%")
    assert rc == 0 and "提醒:形象进度 30% 低于 2023-05-01 记录的 40%" in err, err
    assert run(capsys, db, "milestone", "set", NAME, "施工许可", "--actual", "2022-03-01")[0] == 0
    rc, out, err = run(capsys, db, "milestone", "set", NAME, "开工", "--actual", "2022-02-15")
    assert rc == 0 and "实际日期顺序不符:施工许可 2022-03-01 晚于 开工 2022-02-15" in err, err
    rc, out, err = run(capsys, db, "milestone", "set", NAME, "竣工验收", "--actual", "2022-01-10")
    assert rc == 0 and "开工 2022-02-15 晚于 竣工验收 2022-01-10" in err
    rc, out, err = run(capsys, db, "milestone", "set", NAME, "投用", "--planned", "2023-09-15")
    assert rc == 0 and "投用计划日期 2023-09-15 晚于竣工年份的 8 月 31 日(2023-08-31)" in err
    rc, out, err = run(capsys, db, "milestone", "set", NAME, "投用", "--planned", "2023-08-31")
    assert rc == 0 and not err


def test_bad_percent_and_plan_amounts_name_field_and_value(db, capsys):
    rc, out, err = run(capsys, db, "progress", "add", NAME, "--date", "2023-05-01",
                       "--percent", "140")
    assert rc == 1 and "完成百分比(--percent)“140”:应在 0 到 100 之间" in err, err
    rc, out, err = run(capsys, db, "plan", "set", NAME, "2026", "80,0")
    assert rc == 1 and "年度计划投资“80,0”:逗号只能每三位分节" in err, err
    rc, out, err = run(capsys, db, "spend", "add", NAME, "5", "--date", "2023-05-01",
                       "--cumulative", "sometimes")
    assert rc == 2 and "sometimes" in err
