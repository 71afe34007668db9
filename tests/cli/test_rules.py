"""``rules show / set / reset`` through the command line, on both engines: values read
strictly and refused with the rule and the value seen (exit 1, nothing saved), unknown rules
a usage error (exit 2), the change previewed — rules old → new, the projects whose flag it
changes, by name — and saved only when confirmed, audited."""

from __future__ import annotations

import functools
import io
import json

import pytest

from projtrack.store.repo import Store
from tests.cli.helpers import run as cli_run
from tests.conftest import SAMPLE

AS_OF = "2023-06-30"  # nothing spent yet: the sample's projects are 49.6 points behind, stalled
LENIENT = ("yellow_behind", "45", "red_behind", "60", "stalled_phases", "无")  # red → yellow


run = functools.partial(cli_run, as_of=AS_OF)


@pytest.fixture
def db(db_url, capsys):
    rc, out, err = run(capsys, db_url, "import", str(SAMPLE))
    assert rc == 0, out + err
    return db_url


def stored(db):
    store = Store.open(db, create=False)
    try:
        return store.setting("flag_rules"), [a for a in store.audit(None, None)
                                             if a.field == "flag_rules"]
    finally:
        store.close()


def test_show_lists_every_rule_with_value_default_and_meaning(db, capsys):
    rc, out, _ = run(capsys, db, "rules", "show")
    assert rc == 0
    assert "yellow_behind  黄:滞后序时进度超过" in out
    assert "当前 10 个百分点 · 默认 10 个百分点" in out
    assert "年度投资完成率比序时进度滞后超过这么多个百分点时标黄。" in out
    assert out.count("当前 ") == 12
    rc, out, _ = run(capsys, db, "rules", "show", lang="en")
    assert "now 8 weeks · default 8 weeks" in out and "Flag rules: yellow — " in out
    rc, out, _ = run(capsys, db, "rules", "show", "--format", "json")
    data = json.loads(out)
    first = data["rules"][0]
    assert (first["name"], first["value"], first["default"], first["is_default"]) == \
        ("yellow_behind", "0.10", "0.10", True)
    assert [r["name"] for r in data["rules"]][-1] == "no_progress_rate_phases"
    rc, _, err = run(capsys, db, "rules", "show", "--format", "xml")
    assert rc == 2 and "xml" in err


def test_set_previews_the_flags_it_would_change_and_saves_with_yes(db, capsys):
    rc, out, err = run(capsys, db, "rules", "set", *LENIENT, "--yes")
    assert rc == 0, out + err
    assert "yellow_behind(黄:滞后序时进度超过):10 个百分点 → 45 个百分点" in out
    assert "stalled_phases(停滞判断的阶段):在建 → 无" in out
    assert "按 2023-06-30 的数据,60 个项目的标识将改变\n  红→黄 60 个:" in out, out
    assert "已保存 3 条规则的修改" in out
    value, audit = stored(db)
    assert value["yellow_behind"] == "0.45" and value["red_behind"] == "0.60"
    assert value["stalled_phases"] == []
    assert len(audit) == 1 and audit[0].context == \
        "yellow_behind: 0.10 → 0.45; red_behind: 0.20 → 0.60; stalled_phases: 在建 → —"
    rc, out, _ = run(capsys, db, "rules", "show")
    assert "当前 45 个百分点 · 默认 10 个百分点 (已修改)" in out


def test_the_preview_names_the_projects_whose_flag_changes(db, capsys):
    from projtrack.core.rules import changed
    from projtrack.core.types import DEFAULT_RULES
    from projtrack.services.rules import preview

    store = Store.open(db, create=False)
    try:
        import datetime as dt
        from decimal import Decimal

        pv = preview(store, dt.date(2023, 6, 30), changed(DEFAULT_RULES, {
            "yellow_behind": Decimal("0.45"), "red_behind": Decimal("0.60"),
            "stalled_phases": ()}))
    finally:
        store.close()
    assert pv.flag_moves
    rc, out, _ = run(capsys, db, "rules", "set", *LENIENT, "--dry-run")
    assert rc == 0 and "(试运行:未保存)" in out
    assert f"{len(pv.flag_moves)} 个项目的标识将改变" in out
    for m in pv.flag_moves:
        assert m.name in out
    assert stored(db) == (None, [])


def test_set_asks_first_and_a_no_saves_nothing(db, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    rc, out, _ = run(capsys, db, "rules", "set", "stalled_weeks", "4")
    assert rc == 1 and "保存这些规则?" in out and "未保存" in out
    assert stored(db) == (None, [])
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no answer (not a terminal): not saved
    rc, out, _ = run(capsys, db, "rules", "set", "stalled_weeks", "4")
    assert rc == 1 and stored(db) == (None, [])
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    rc, out, _ = run(capsys, db, "rules", "set", "stalled_weeks", "4")
    assert rc == 0 and stored(db)[0]["stalled_weeks"] == 4


@pytest.mark.parametrize("args, rc, said", [
    (("yellow_behind", "0.15"), 1, "规则 yellow_behind(黄:滞后序时进度超过)的值“0.15”不能接受"),
    (("stalled_weeks", "0"), 1, "“0”"),
    (("stalled_phases", "施工"), 1, "“施工”不是阶段"),
    (("red_behind", "8"), 1, "黄色线须低于红色线(黄 10 个百分点,红 8 个百分点)"),
    (("overrun_red", "maybe"), 1, "“maybe”"),
    (("colour", "8"), 2, "没有名为“colour”的规则"),
    (("stalled_weeks", "4", "yellow_behind"), 2, "成对"),
    (("stalled_weeks", "4", "stalled_weeks", "5"), 2, "stalled_weeks"),
])
def test_bad_values_are_refused_naming_the_rule_and_nothing_is_saved(db, capsys, args, rc, said):
    code, out, err = run(capsys, db, "rules", "set", *args, "--yes")
    assert code == rc and said in err, err
    assert stored(db) == (None, [])


def test_refusals_speak_english_with_lang_en(db, capsys):
    rc, _, err = run(capsys, db, "rules", "set", "yellow_behind", "0.15", "--yes", lang="en")
    assert rc == 1 and "rule yellow_behind" in err and "“0.15”" in err and "two ways" in err


def test_reset_puts_rules_back_and_an_unchanged_set_saves_nothing(db, capsys):
    assert run(capsys, db, "rules", "set", "stalled_weeks", "4", "overrun_red", "否", "--yes")[0] == 0
    rc, out, _ = run(capsys, db, "rules", "reset", "stalled_weeks", "--yes")
    assert rc == 0 and "stalled_weeks(红:无完成投资的周数(停滞)):4 周 → 8 周" in out
    value, audit = stored(db)
    assert value["stalled_weeks"] == 8 and value["overrun_red"] is False and len(audit) == 2
    rc, out, _ = run(capsys, db, "rules", "reset", "--yes")
    assert rc == 0 and stored(db)[0]["overrun_red"] is True
    rc, out, _ = run(capsys, db, "rules", "set", "stalled_weeks", "8", "--yes")
    assert rc == 0 and "无需保存" in out and len(stored(db)[1]) == 3
    rc, _, err = run(capsys, db, "rules", "reset", "nope", "--yes")
    assert rc == 2 and "nope" in err


@pytest.mark.parametrize(("stored_value", "rule", "seen"), [
    ({"overrun_red": "false"}, "overrun_red", '"false"'),
    ({"stalled_phases": "在建"}, "stalled_phases", '"在建"'),
    ({"yellow_behind": "abc"}, "yellow_behind", '"abc"'),
    ({"red_line": "0.3"}, "red_line", '"0.3"'),
])
def test_a_stored_value_this_version_cannot_read_is_named_not_replaced(db, capsys, stored_value,
                                                                       rule, seen):
    store = Store.open(db, create=False)
    try:
        store.set_setting("flag_rules", stored_value)
    finally:
        store.close()
    for args in (("rules", "show"), ("rules", "set", "stalled_weeks", "9", "--yes")):
        rc, out, err = run(capsys, db, *args)
        assert rc == 1, out + err
        assert "flag_rules" in err and rule in err and seen in err
    assert stored(db)[0] == stored_value  # nothing written
