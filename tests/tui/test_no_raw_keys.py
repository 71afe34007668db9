"""No catalog key (``ui.key.filter``) nor code (``milestone_overdue``) shows anywhere in the app,
in either language: every view (whatever views the app has), the column picker, the rules
form, the project screen, the help screen and every key binding the footer can show."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from projtrack.i18n import catalog
from projtrack.tui.screens.help import HelpScreen
from projtrack.tui.widgets.rules_form import RulesForm
from tests.tui.helpers import go_to_project, press, screen_text, settle

PREFIXES = sorted({k.split(".", 1)[0] for k in catalog("en")})
DOTTED = re.compile(r"\b(?:" + "|".join(PREFIXES) + r")\.[a-z0-9_]+(?:\.[a-z0-9_]+)*")
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")  # a code: lagging_badly, term_at_risk …


def raw(text: str) -> list[str]:
    return DOTTED.findall(text) + SNAKE.findall(text)


def bindings_text(screen) -> str:
    """What the footer and the command palette can show of the screen's key bindings."""
    return "\n".join(f"{b.binding.description} {b.binding.tooltip}"
                     for b in screen.active_bindings.values())


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_no_raw_key_or_code_in_any_view(make_app, lang):
    app = make_app(lang)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        seen = {}
        for mode in app.MODES:
            app.switch_mode(mode)
            await settle(pilot)
            seen[mode] = screen_text(app) + "\n" + bindings_text(app.screen)
        app.switch_mode("portfolio")
        await settle(pilot)
        await press(pilot, "C")  # the column picker
        seen["columns"] = screen_text(app) + "\n" + bindings_text(app.screen)
        await press(pilot, "escape")
        await press(pilot, "R")  # the rules form
        assert isinstance(app.screen, RulesForm)
        seen["rules"] = screen_text(app) + "\n" + bindings_text(app.screen)
        await press(pilot, "escape")
        await go_to_project(pilot, 15)
        seen["project"] = screen_text(app) + "\n" + bindings_text(app.screen)
        await press(pilot, "escape")
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        out = io.StringIO()
        Console(file=out, width=200).print(app.screen._body())
        seen["help"] = out.getvalue() + "\n" + bindings_text(app.screen)
        assert len(seen) >= len(app.MODES) + 4
        found = {name: raw(text) for name, text in seen.items() if raw(text)}
        assert not found, found
        if lang == "zh":  # and the footer speaks Chinese
            assert "筛选" in seen["portfolio"] and "选择列" in seen["portfolio"]


def test_the_scan_finds_a_raw_key_and_a_code():
    assert raw("标 ui.key.filter 节点") == ["ui.key.filter"]
    assert raw("原因 milestone_overdue") == ["milestone_overdue"]
    assert raw("滞后31.3点 projtrack.db") == []
