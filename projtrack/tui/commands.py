"""The command palette (ctrl+p): every action of the app in the display language, and
"open project …" for each project whose name, township or unit matches what is typed."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from projtrack.tui.app import ProjtrackApp


PROJECT_HITS = 30

# (catalog key under ui.cmd., app method, argument)
COMMANDS: tuple[tuple[str, str, str | None], ...] = (
    ("view_portfolio", "action_view", "portfolio"),
    ("view_milestones", "action_view", "milestones"),
    ("view_variance", "action_view", "variance"),
    ("view_targets", "action_view", "targets"),
    ("view_forecast", "action_view", "forecast"),
    ("view_returns", "action_view", "returns"),
    ("view_issues", "action_view", "issues"),
    ("view_breakdown", "action_view", "breakdown"),
    ("filter", "action_filter", None),
    ("sort", "action_portfolio_do", "sort"),
    ("reverse", "action_portfolio_do", "reverse"),
    ("group", "action_portfolio_do", "toggle('grouped')"),
    ("flagged", "action_portfolio_do", "toggle('flagged_only')"),
    ("withdrawn", "action_portfolio_do", "toggle('show_withdrawn')"),
    ("category", "action_portfolio_do", "cycle('category')"),
    ("phase_filter", "action_portfolio_do", "cycle('phase')"),
    ("annex_class", "action_portfolio_do", "cycle('annex_class')"),
    ("clear", "action_portfolio_do", "clear_filters"),
    ("next_page", "action_portfolio_do", "page(1)"),
    ("prev_page", "action_portfolio_do", "page(-1)"),
    ("spend", "action_record_spend", None),
    ("milestone", "action_set_milestone", None),
    ("phase", "action_set_phase", None),
    ("plan", "action_set_plan", None),
    ("remarks", "action_edit_remarks", None),
    ("progress", "action_add_progress", None),
    ("undo", "action_undo", None),
    ("import", "action_import_annex", None),
    ("report", "action_weekly_report", None),
    ("rules", "action_flag_rules", None),
    ("as_of", "action_change_as_of", None),
    ("reload", "action_reload_all", None),
    ("lang", "action_toggle_lang", None),
    ("help", "action_help", None),
    ("quit", "action_quit", None),
)


class ProjtrackCommands(Provider):
    @property
    def projtrack(self) -> ProjtrackApp:
        """The app, as projtrack's (a command provider is handed the running app)."""
        return cast("ProjtrackApp", self.app)

    def _commands(self) -> list[tuple[str, str, Callable]]:
        app = self.projtrack
        out = []
        for key, method, arg in COMMANDS:
            func = getattr(app, method)
            out.append((app.tr(f"cmd.{key}"), app.tr(f"cmd.{key}_help"),
                        partial(func, arg) if arg is not None else func))
        return out

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
        app = self.projtrack
        index = app.index
        needle = "".join(query.split()).lower()
        if index is None or not needle:
            return
        prefix = app.tr("cmd.open_project")
        shown = 0
        for view in index.portfolio.projects:
            if needle in index.haystack_of(view.id):
                label = f"{prefix}: {view.facts.name}"
                yield Hit(0.5 + matcher.match(view.facts.name) / 2, label,
                          partial(app.open_project, view.id),
                          help=f"#{view.id} {app.term(view.facts.category)} "
                               f"{view.facts.township or ''}")
                shown += 1
                if shown >= PROJECT_HITS:
                    break
