"""ProjtrackApp: the store is handed in (the CLI and the tests build it), views are modes.

The app holds the loaded portfolio at the as-of date.  Loading runs in a thread worker and comes
back as a ``PortfolioLoaded`` message; after a write only the changed project is recomputed.
Every view registers itself and redraws when the portfolio or the language changes.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from time import perf_counter
from typing import TYPE_CHECKING, cast

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
from projtrack.tui.actions import ActionsMixin
from projtrack.tui.commands import ProjtrackCommands
from projtrack.tui.keys import translate_bindings
from projtrack.tui.model import PortfolioIndex
from projtrack.tui.screens.portfolio import PortfolioScreen

if TYPE_CHECKING:
    from textual.screen import Screen

    from projtrack.services.database import Store
    from projtrack.services.firstpage import Ask, FirstPage
    from projtrack.tui.early import EarlyPage


# the other views, imported when first shown: their modules import the services (and through
# them SQLAlchemy), which the first screen does without (see ProjtrackApp)
def _later(module: str, name: str) -> Callable[[], Screen]:
    """A view's screen, its module imported when the view is first shown."""
    def make() -> Screen:
        return getattr(importlib.import_module(f"projtrack.tui.screens.{module}"), name)()
    return make


class FirstPageRead(Message):
    """The first screen's projects (None: they cannot be read before the load, which then
    paints the first screen)."""

    def __init__(self, page: FirstPage | None, seconds: float):
        super().__init__()
        self.page, self.seconds = page, seconds


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
    MODES = {"portfolio": PortfolioScreen,
             "milestones": _later("milestones", "MilestonesScreen"),
             "variance": _later("variance", "VarianceScreen"),
             "targets": _later("targets", "TargetsScreen"),
             "forecast": _later("forecast", "ForecastScreen"),
             "returns": _later("returns", "ReturnsScreen"),
             "issues": _later("issues", "IssuesScreen"),
             "breakdown": _later("breakdown", "BreakdownScreen")}
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

    def __init__(self, store: Store | None, as_of: dt.date, lang: str | None = None, *,
                 imports_dir: Path | str | None = None, reports_dir: Path | str | None = None,
                 steady: bool = False, database: str | None = None,
                 early: EarlyPage | None = None):
        """``reports_dir`` is the weekly report dialog's default folder (``reports`` under the
        current directory).  ``steady`` switches off what varies between runs (cursor blink,
        animation) for tests and snapshots.

        ``store`` None and ``database`` a SQLite file (the CLI's ``projtrack`` with no command):
        the app paints its first screen of projects from SQL before anything else is imported
        or read (``services.firstpage``), then opens the store and loads the portfolio in a
        worker, which takes the table over (the same rows and cells, the cursor where it was).
        A key that needs the loaded portfolio or the store says it is waiting until then.
        ``early``: that first page, already being read (``tui.early``), used when it is the
        one the portfolio view asks for."""
        super().__init__()
        if store is None and database is None:
            raise ValueError("a store, or the database to open")
        # None until the load worker opens it (``database``): every verb that needs it asks
        # ``waiting()`` first
        self.store = cast("Store", store)
        self.database = database
        self._early = early
        self._first_asked = False
        self.as_of = as_of
        self.lang = lang if lang in ("zh", "en") else "zh"
        self.imports_dir = Path(imports_dir) if imports_dir else Path.cwd() / "imports"
        self.reports_dir = Path(reports_dir) if reports_dir else Path("reports")
        self.steady = steady
        self.portfolio: Portfolio | None = None
        self.index: PortfolioIndex | None = None
        self.load_seconds: float | None = None
        self.first_page: FirstPage | None = None  # the first screen's projects, until the load
        self.first_seconds: float | None = None
        self.failed: ProjtrackError | None = None  # the store could not be opened: said on exit
        self.views: set = set()
        self._waiting_said = 0.0
        if steady:
            self.animation_level = "none"

    # --- text ---------------------------------------------------------------------------------
    def tr(self, key: str, **params: object) -> str:
        """A ``ui.`` catalog string in the display language."""
        return t("ui." + key, lang=self.lang, **params)

    @property
    def rules(self) -> FlagRules:
        if self.portfolio:
            return self.portfolio.rules
        return self.first_page.rules if self.first_page else DEFAULT_RULES

    def term(self, word: str | None) -> str:
        return term(word, self.lang)

    def _set_titles(self) -> None:
        self.title = self.tr("app.title")
        self.sub_title = self.tr("app.as_of", as_of=self.as_of.isoformat(),
                                 tp=format_rate(time_progress(self.as_of)))

    @property
    def state_key(self) -> str:
        """The database as the remembered view is kept under (``services.database.store_name``
        of the store, worked out from the target when the store is not open yet)."""
        if self.store is not None:
            from projtrack.services.database import store_name

            return store_name(self.store)
        from projtrack.services.firstpage import state_key

        assert self.database is not None
        return state_key(self.database)

    def waiting(self) -> bool:
        """True while the store is not open yet (the first screen was painted before it): a
        key that needs the store says so (at most every few seconds) and does nothing."""
        if self.store is not None:
            return False
        self.say_waiting()
        return True

    def say_waiting(self) -> None:
        """Say that the whole portfolio is still being loaded (at most every few seconds)."""
        now = perf_counter()
        if now - self._waiting_said > 3:
            self._waiting_said = now
            self.notify(self.tr("msg.still_loading"), timeout=3)

    # --- start and load -----------------------------------------------------------------------
    def on_mount(self) -> None:
        translate_bindings(self, self.lang)
        # the app is not mounted yet, so that said nothing: the footer is told here
        self.screen.refresh_bindings()
        self._set_titles()
        if self.store is None:
            return  # the portfolio view asks for its first page as it mounts (first_page_for)
        self._said_role()
        self.reload()

    def _said_role(self) -> None:
        from projtrack.services.roles import ADMIN, whoami

        assert self.store is not None
        self.access = who = whoami(self.store)
        if who.role is None:
            self.notify(t("err.role_none", lang=self.lang, login=who.login), severity="error",
                        timeout=30)
        elif who.role != ADMIN:  # a shared database's role: said once, its keys disabled
            self.notify(t("ui.role.notice", lang=self.lang, login=who.login,
                          role=t(f"role.{who.role}", lang=self.lang),
                          may=t(f"role.may.{who.role}", lang=self.lang)), timeout=10)

    def first_page_for(self, screen: PortfolioScreen) -> None:
        """The portfolio view has mounted (the app was handed the database only): read its
        first screen of projects behind it, once."""
        if self.store is not None or self._first_asked:
            return
        self._first_asked = True
        self._read_first_page(screen.first_ask(self.size.height))

    @work(thread=True, exclusive=True, group="first-page")
    def _read_first_page(self, ask: Ask | None) -> None:
        """The first screen's projects, in the order and with the filters the portfolio view
        was left in, when SQL can give them so; else None (the load paints the first screen)."""
        from projtrack.services.firstpage import first_page, sqlite_file

        start = perf_counter()
        page = None
        path = sqlite_file(self.database)
        early, self._early = self._early, None
        if early is not None and ask is not None and early.ask == ask and early.as_of == self.as_of:
            page = early.result()
        elif path is not None and ask is not None:
            page = first_page(path, self.as_of, ask)
        self.post_message(FirstPageRead(page, perf_counter() - start))

    def _portfolio_view(self) -> PortfolioScreen | None:
        return next((v for v in list(self.views) if isinstance(v, PortfolioScreen)), None)

    def on_first_page_read(self, message: FirstPageRead) -> None:
        self.first_seconds = message.seconds
        screen = self._portfolio_view()
        if message.page is None or self.portfolio is not None or screen is None:
            self.open_and_load()
            return
        self.first_page = message.page
        screen.show_first_page(message.page)  # which calls open_and_load once it is painted

    def open_and_load(self) -> None:
        """Open the store (when the app was handed the database only) and load the portfolio."""
        if self.store is None:
            for view in list(self.views):
                view.show_loading(True)
            self._open_and_load(self.as_of)
        elif self.portfolio is None:
            self.reload()

    @work(thread=True, exclusive=True, group="portfolio")
    def _open_and_load(self, as_of: dt.date) -> None:
        from projtrack.services.database import open_store
        from projtrack.services.roles import require

        try:
            store = open_store(self.database, create=False)
            require(store, "read", "tui")  # as the CLI checks every command's role
        except ProjtrackError as exc:  # said once the app has closed (as the CLI says it)
            self.failed = exc
            self.call_from_thread(self.exit, None, exc.exit_code)
            return
        self.store = store
        self.call_from_thread(self._said_role)
        self._load_all_now(self.as_of)

    def reload(self, project_id: int | None = None) -> None:
        """Recompute the portfolio at the as-of date (only ``project_id`` when given)."""
        if self.store is None:
            return  # the store is being opened: its load reads the as-of date then
        if project_id is None or self.portfolio is None:
            for view in list(self.views):
                view.show_loading(True)
            self._load_all(self.as_of)
        else:
            self._load_one(self.as_of, project_id)

    @work(thread=True, exclusive=True, group="portfolio")
    def _load_all(self, as_of: dt.date) -> None:
        self._load_all_now(as_of)

    def _load_all_now(self, as_of: dt.date) -> None:
        from projtrack.services.portfolio import load_portfolio

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
        from projtrack.services.portfolio import project_view

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
            if message.project_id is None:
                self.reload()  # the date was changed while it loaded
            return  # a load for a date the officer has since changed
        self.portfolio, self.index = message.portfolio, message.index
        if message.project_id is None:
            self.load_seconds = message.seconds
            self.first_page = None
            settle()
        for view in list(self.views):
            view.portfolio_changed(message.project_id)

    # --- views, language, as-of date ------------------------------------------------------------
    def action_view(self, mode: str) -> None:
        if mode != "portfolio" and self.waiting():
            return  # every other view is worked out from the loaded portfolio
        self.switch_mode(mode)

    def action_reload_all(self) -> None:
        """Read everything again (another officer or the CLI may have changed the data)."""
        if self.waiting():
            return
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
