"""R — the flag rules form, driven with Pilot: every rule with its value, a bad value refused
next to its field (nothing saved), the preview of the flags a change would change as it is
typed, the save (audited) and every flag worked out again under the new rules."""

from __future__ import annotations

from projtrack.services import rules as svc
from projtrack.tui.widgets.rules_form import RulesForm
from tests.tui.helpers import press, screen_text, settle

LENIENT = {"milestone_overdue_yellow": False, "term_at_risk_red": False}


def _set(app, name: str, value) -> None:
    app.screen.query_one(f"#field-{name}").value = value


def _hint(app, name: str) -> str:
    return str(app.screen.query_one(f"#hint-{name}").render())


def _echo(app) -> str:
    return str(app.screen.query_one("#form-echo").render())


async def test_r_opens_the_rules_with_their_values_and_defaults(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "R")
        assert isinstance(app.screen, RulesForm)
        assert app.screen.query_one("#field-yellow_behind").value == "10"
        assert app.screen.query_one("#field-stalled_phases").value == "在建"
        assert app.screen.query_one("#field-overrun_red").value is True
        assert _hint(app, "red_behind") == "默认 20 个百分点"
        assert "红黄绿标识规则" in screen_text(app)
        await press(pilot, "escape")
        assert not isinstance(app.screen, RulesForm)


async def test_a_bad_value_is_refused_next_to_its_field_and_nothing_is_saved(make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "R")
        _set(app, "yellow_behind", "0.15")
        await settle(pilot)
        assert "两种读法" in _hint(app, "yellow_behind")
        assert app.screen.query_one("#save").disabled
        _set(app, "yellow_behind", "25")  # above the red line (20)
        await settle(pilot)
        assert "黄色线须低于红色线(黄 25 个百分点,红 20 个百分点)" in _hint(app, "yellow_behind")
        assert app.screen.query_one("#save").disabled
        _set(app, "stalled_weeks", "0")
        await settle(pilot)
        assert "1 到 520" in _hint(app, "stalled_weeks")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, RulesForm)  # not saved
        assert demo_store.setting("flag_rules") is None


async def test_the_preview_says_which_flags_change_and_the_save_reflags_everything(make_app,
                                                                                   demo_store):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = {v.id: v.figures.flag for v in app.portfolio.projects}
        expected = svc.preview_portfolio(app.portfolio, svc.DEFAULT_RULES,
                                         svc.apply(svc.DEFAULT_RULES, LENIENT))
        assert expected.flag_moves
        await press(pilot, "R")
        assert "无需保存" in _echo(app)
        for name, value in LENIENT.items():
            _set(app, name, value)
        await settle(pilot)
        echo = _echo(app)
        assert f"按 2026-11-29 的数据,{len(expected.flag_moves)} 个项目的标识将改变" in echo
        assert expected.flag_moves[0].name in echo or "等(另" in echo
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, RulesForm)
        assert demo_store.setting("flag_rules")["term_at_risk_red"] is False
        audit = demo_store.audit(limit=1)[0]
        assert audit.field == "flag_rules"
        assert audit.context == "milestone_overdue_yellow: true → false; term_at_risk_red: true → false"
        after = {v.id: v.figures.flag for v in app.portfolio.projects}
        assert app.portfolio.rules.term_at_risk_red is False
        assert {pid for pid in before if before[pid] != after[pid]} == \
            {m.project_id for m in expected.flag_moves}


async def test_a_change_made_meanwhile_is_not_overwritten(make_app, demo_store):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "R")
        other = svc.current(demo_store)  # another officer saves first
        svc.save(demo_store, svc.apply(other.rules, {"stalled_weeks": 4}), read=other)
        _set(app, "stalled_weeks", "6")
        await settle(pilot)
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RulesForm)
        assert "已被他人修改" in str(app.screen.query_one("#form-error").render())
        assert svc.current(demo_store).rules.stalled_weeks == 4


async def test_the_form_speaks_english(make_app):
    app = make_app("en")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "R")
        _set(app, "yellow_behind", "0.15")
        await settle(pilot)
        assert "two ways" in _hint(app, "yellow_behind")
        assert "Yellow: behind by more than" in screen_text(app)


async def test_a_large_portfolio_s_preview_is_worked_out_in_a_worker(make_app, monkeypatch):
    from projtrack.tui.widgets import rules_form

    monkeypatch.setattr(rules_form, "LIVE_LIMIT", 0)  # the demo's 93 projects count as many
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "R")
        _set(app, "term_at_risk_red", False)
        await settle(pilot)
        assert "个项目的标识将改变" in _echo(app)
        form = app.screen
        assert "正在计算" in form.preview(form.result)  # said at once, the screen not held up
        await settle(pilot)
        assert "个项目的标识将改变" in _echo(app)


async def test_stored_rules_this_version_cannot_read_are_named_not_replaced(make_app, demo_store):
    demo_store.set_setting("flag_rules", {"overrun_red": "false"})
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        notices = [n.message for n in app._notifications]
        assert any("flag_rules" in n and "overrun_red" in n and '"false"' in n
                   for n in notices), notices
        assert app.portfolio is None  # no figures under rules it could not read
