"""ProjtrackApp: the store is handed in (the CLI and the tests build it), views are modes.

The app holds the loaded portfolio at the as-of date.  Loading runs in a thread worker and comes
back as a ``PortfolioLoaded`` message; after a write only the changed project is recomputed.
Every view registers itself and redraws when the portfolio or the language changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from time import perf_counter

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette
from textual.message import Message
from textual.worker import get_current_worker

from projtrack.core.calendar import time_progress
from projtrack.core.money import format_rate
from projtrack.core.portfolio import Portfolio
from projtrack.core.types import DEFAULT_RULES, FlagRules
from projtrack.errors import ProjtrackError
from projtrack.gcpause import frozen_after, settle
from projtrack.i18n import t, term
from projtrack.services.database import Store
from projtrack.services.portfolio import load_portfolio, project_view
from projtrack.tui.actions import ActionsMixin
from projtrack.tui.commands import ProjtrackCommands
from projtrack.tui.keys import translate_bindings
from projtrack.tui.model import PortfolioIndex
from projtrack.tui.screens.breakdown import BreakdownScreen
from projtrack.tui.screens.forecast import ForecastScreen
from projtrack.tui.screens.issues import IssuesScreen
from projtrack.tui.screens.milestones import MilestonesScreen
from projtrack.tui.screens.portfolio import PortfolioScreen
from projtrack.tui.screens.returns import ReturnsScreen
from projtrack.tui.screens.targets import TargetsScreen
from projtrack.tui.screens.variance import VarianceScreen


class PortfolioLoaded(Message):
    def __init__(self, portfolio: Portfolio, index: PortfolioIndex, seconds: float,
                 project_id: int | None = None):
        super().__init__()
        self.portfolio = portfolio
        self.index = index
        self.seconds = seconds
        self.project_id = project_id


class ProjtrackApp(ActionsMixin, App[object]):
    CSS_PATH = "app.tcss"
    MODES = {"portfolio": PortfolioScreen, "milestones": MilestonesScreen,
             "variance": VarianceScreen, "targets": TargetsScreen, "forecast": ForecastScreen,
             "returns": ReturnsScreen, "issues": IssuesScreen, "breakdown": BreakdownScreen}
    DEFAULT_MODE = "portfolio"
    COMMANDS = {ProjtrackCommands}
    BINDINGS = [
        Binding("1", "view('portfolio')", "ui.key.view_portfolio", show=False),
        Binding("2", "view('milestones')", "ui.key.view_milestones", show=False),
        Binding("3", "view('variance')", "ui.key.view_variance", show=False),
        Binding("4", "view('targets')", "ui.key.view_targets", show=False),
        Binding("5", "view('forecast')", "ui.key.view_forecast", show=False),
        Binding("6", "view('returns')", "ui.key.view_returns", show=False),
        Binding("7", "view('issues')", "ui.key.view_issues", show=False),
        Binding("8", "view('breakdown')", "ui.key.view_breakdown", show=False),
        Binding("d", "change_as_of", "ui.key.as_of"),
        Binding("l", "toggle_lang", "ui.key.lang", show=False),
        Binding("i", "import_annex", "ui.key.import", show=False),
        Binding("ctrl+r", "reload_all", "ui.key.reload", show=False),
        Binding("question_mark", "help", "ui.key.help"),
        Binding("P", "weekly_report", "ui.key.report"),
        Binding("R", "flag_rules", "ui.key.rules", show=False),
        Binding("q", "quit", "ui.key.quit"),
        Binding("ctrl+p", "command_palette", "ui.key.palette", show=False, priority=True),
    ]

    def __init__(self, store: Store, as_of: dt.date, lang: str | None = None, *,
                 imports_dir: Path | str | None = None, reports_dir: Path | str | None = None,
                 steady: bool = False):
        """``reports_dir`` is the weekly report dialog's default folder (``reports`` under the
        current directory).  ``steady`` switches off what varies between runs (cursor blink,
        animation) for tests and snapshots."""
        super().__init__()
        self.store = store
        self.as_of = as_of
        self.lang = lang if lang in ("zh", "en") else "zh"
        self.imports_dir = Path(imports_dir) if imports_dir else Path.cwd() / "imports"
        self.reports_dir = Path(reports_dir) if reports_dir else Path("reports")
        self.steady = steady
        self.portfolio: Portfolio | None = None
        self.index: PortfolioIndex | None = None
        self.load_seconds: float | None = None
        self.views: set = set()
        if steady:
            self.animation_level = "none"

    # --- text ---------------------------------------------------------------------------------
    def tr(self, key: str, **params: object) -> str:
        """A ``ui.`` catalog string in the display language."""
        return t("ui." + key, lang=self.lang, **params)

    @property
    def rules(self) -> FlagRules:
        return self.portfolio.rules if self.portfolio else DEFAULT_RULES

    def term(self, word: str | None) -> str:
        return term(word, self.lang)

    def _set_titles(self) -> None:
        self.title = self.tr("app.title")
        self.sub_title = self.tr("app.as_of", as_of=self.as_of.isoformat(),
                                 tp=format_rate(time_progress(self.as_of)))

    # --- start and load -----------------------------------------------------------------------
    def on_mount(self) -> None:
        from projtrack.services.roles import ADMIN, whoami

        translate_bindings(self, self.lang)
        self._set_titles()
        self.access = who = whoami(self.store)
        if who.role is None:
            self.notify(t("err.role_none", lang=self.lang, login=who.login), severity="error",
                        timeout=30)
        elif who.role != ADMIN:  # a shared database's role: said once, its keys disabled
            self.notify(t("ui.role.notice", lang=self.lang, login=who.login,
                          role=t(f"role.{who.role}", lang=self.lang),
                          may=t(f"role.may.{who.role}", lang=self.lang)), timeout=10)
        self.reload()

    def reload(self, project_id: int | None = None) -> None:
        """Recompute the portfolio at the as-of date (only ``project_id`` when given)."""
        if project_id is None or self.portfolio is None:
            for view in list(self.views):
                view.show_loading(True)
            self._load_all(self.as_of)
        else:
            self._load_one(self.as_of, project_id)

    @work(thread=True, exclusive=True, group="portfolio")
    def _load_all(self, as_of: dt.date) -> None:
        start = perf_counter()
        try:
            with frozen_after():
                portfolio = load_portfolio(self.store, as_of)
                index = PortfolioIndex(portfolio)
        except ProjtrackError as exc:  # the database failed, or holds what cannot be read
            self.call_from_thread(self.notify, exc.render(self.lang), severity="error",
                                  timeout=30)
            return
        if not get_current_worker().is_cancelled:
            self.post_message(PortfolioLoaded(portfolio, index, perf_counter() - start))

    @work(thread=True, group="portfolio-one")
    def _load_one(self, as_of: dt.date, project_id: int) -> None:
        start = perf_counter()
        view = project_view(self.store, project_id, as_of)
        base = self.portfolio
        if base is None or base.as_of != as_of:
            return
        projects = [v for v in base.projects if v.id != project_id]
        if view is not None:
            projects.append(view)
            projects.sort(key=lambda v: v.id)
        portfolio = replace(base, projects=tuple(projects))
        self.post_message(PortfolioLoaded(portfolio, PortfolioIndex(portfolio),
                                          perf_counter() - start, project_id))

    def on_portfolio_loaded(self, message: PortfolioLoaded) -> None:
        if message.portfolio.as_of != self.as_of:
            return  # a load for a date the officer has since changed
        self.portfolio, self.index = message.portfolio, message.index
        if message.project_id is None:
            self.load_seconds = message.seconds
            settle()
        for view in list(self.views):
            view.portfolio_changed(message.project_id)

    # --- views, language, as-of date ------------------------------------------------------------
    def action_view(self, mode: str) -> None:
        self.switch_mode(mode)

    def action_reload_all(self) -> None:
        """Read everything again (another officer or the CLI may have changed the data)."""
        self.notify(self.tr("msg.reloading"))
        self.reload()

    def set_as_of(self, day: dt.date) -> None:
        if day == self.as_of:
            return
        self.as_of = day
        self._set_titles()
        self.notify(self.tr("msg.as_of_changed", as_of=day.isoformat()))
        self.reload()

    async def action_toggle_lang(self) -> None:
        self.lang = "en" if self.lang == "zh" else "zh"
        translate_bindings(self, self.lang)
        self._set_titles()
        for view in list(self.views):
            await view.relabel()
        self.notify(self.tr("msg.lang_changed"))

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette",
                                            placeholder=self.tr("palette.placeholder")))
