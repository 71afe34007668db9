"""The app's verbs: open a project, the data-entry forms, undo, import, the weekly report,
as-of date, help.

Each verb that needs a project takes the one under the cursor of the current view (or the
project being viewed).  Reads and writes run in thread workers; the view is refreshed for the
changed project only.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from textual import work

from projtrack.core.calendar import resolve_week
from projtrack.errors import DatabaseError, ProjtrackError
from projtrack.i18n import t

# the services (and the entry forms, which use them) are imported where a verb needs them: the
# first screen is painted without them (see ProjtrackApp)
if TYPE_CHECKING:  # for the type checker, the mixin is the app it is mixed into
    from pathlib import Path

    from textual.app import App

    from projtrack.core.portfolio import Portfolio
    from projtrack.services.database import Store
    from projtrack.services.roles import Access

    class _App(App[object]):
        store: Store
        as_of: dt.date
        lang: str
        imports_dir: Path
        reports_dir: Path
        portfolio: Portfolio | None

        def tr(self, key: str, **params: object) -> str: ...
        def reload(self, project_id: int | None = None) -> None: ...
        def set_as_of(self, day: dt.date) -> None: ...
        def waiting(self) -> bool: ...
else:
    _App = object


# what each of the app's write actions needs of the login's role (projtrack.services.roles)
ACTION_NEEDS = {
    **dict.fromkeys(("record_spend", "set_milestone", "add_progress", "undo"), "entry"),
    **dict.fromkeys(("set_phase", "set_plan", "edit_remarks", "import_annex"), "officer"),
}
_PROJECT_ACTIONS = frozenset({"record_spend", "set_milestone", "set_phase", "set_plan",
                              "edit_remarks", "add_progress", "undo"})
_FORM_ACTIONS = {"spend": "record_spend", "milestone": "set_milestone", "progress": "add_progress",
                 "phase": "set_phase", "plan": "set_plan", "remarks": "edit_remarks"}


class ActionsMixin(_App):
    """Mixed into ProjtrackApp (which provides store, as_of, lang, tr, reload)."""

    access: Access | None = None  # the login's role, read when the app starts

    def may(self, action: str) -> bool:
        """Whether the login's role allows ``action`` (one of the app's actions)."""
        need = ACTION_NEEDS.get(action)
        if need is None or self.access is None:
            return True
        from projtrack.services.roles import allows

        return allows(self.access, need)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A write key the role does not allow is shown disabled in the footer (None); a
        project's write keys are not shown where the view lists no projects (a city's county
        list: the view's own binding of the key says so when it is pressed)."""
        if action in _PROJECT_ACTIONS:
            lists_counties = getattr(self.screen, "lists_counties", None)
            if lists_counties is not None and lists_counties():
                return False
        return True if self.may(action) else None

    def refused(self, action: str) -> bool:
        """Say why ``action`` is not the login's to do (True), or False when it may."""
        if self.may(action):
            return False
        who = self.access
        assert who is not None
        key = "err.role_none" if who.role is None else "err.role_refused"
        self.notify(t(key, lang=self.lang, login=who.login, role=t(f"role.{who.role}", lang=self.lang),
                      what=t(f"ui.action.{action}", lang=self.lang),
                      may=t(f"role.may.{who.role}", lang=self.lang)), severity="warning")
        return True

    def selected_project(self) -> int | None:
        chooser = getattr(self.screen, "selected_project_id", None)
        return chooser() if chooser else None

    def open_project(self, project_id: int) -> None:
        if self.waiting():
            return
        from projtrack.tui.screens.project import ProjectScreen

        self.push_screen(ProjectScreen(project_id))

    # --- forms ----------------------------------------------------------------------------------
    def open_form(self, kind: str, **options: object) -> None:
        if self.waiting() or self.refused(_FORM_ACTIONS.get(kind, kind)):
            return
        pid = self.selected_project()
        if pid is None:
            self.notify(self.tr("msg.select_project"), severity="warning")
            return
        self._fetch_form(kind, pid, options)

    @work(thread=True, group="form-context")
    def _fetch_form(self, kind: str, pid: int, options: dict) -> None:
        from projtrack.services.roles import may_fill
        from projtrack.tui.widgets.entry_forms import FORMS, FormContext

        ctx = FormContext.fetch(self.store, pid, self.as_of, self.lang)
        if ctx is None:
            self.call_from_thread(self.notify, t("err.project_not_found", lang=self.lang, ref=pid),
                                  severity="error")
            return
        who, f, action = self.access, ctx.facts, _FORM_ACTIONS.get(kind, kind)
        if who is not None and who.role == "reporter" and ACTION_NEEDS.get(action) == "entry" \
                and not may_fill(who, f.county, f.township, f.responsible_unit):
            what = f"{t(f'ui.action.{action}', lang=self.lang)} · {f.name}"
            self.call_from_thread(self.notify, t(
                "err.role_refused", lang=self.lang, login=who.login, what=what,
                role=t("role.reporter", lang=self.lang),
                may=t("role.may.reporter", lang=self.lang)), severity="warning")
            return
        form = FORMS[kind](ctx, **options)
        self.call_from_thread(self.push_screen, form, lambda text: self._form_done(pid, text))

    def _form_done(self, pid: int, text: str | None) -> None:
        if text:
            self.notify(text)
            self.reload(pid)

    def action_record_spend(self) -> None:
        self.open_form("spend")

    def action_set_milestone(self, name: str | None = None) -> None:
        self.open_form("milestone", **({"name": name} if name else {}))

    def action_set_phase(self) -> None:
        self.open_form("phase")

    def action_set_plan(self) -> None:
        self.open_form("plan")

    def action_edit_remarks(self) -> None:
        self.open_form("remarks")

    def action_add_progress(self) -> None:
        self.open_form("progress")

    # --- undo -----------------------------------------------------------------------------------
    def action_undo(self) -> None:
        """Undo the last change, named and asked first: in a project's view, that project's
        last change (whoever made it: the dialog says who); anywhere else, only the officer's
        own last change, never a colleague's."""
        from projtrack.services.database import current_user
        from projtrack.tui.screens.project import ProjectScreen

        if self.waiting() or self.refused("undo"):
            return
        pid = self.screen.project_id if isinstance(self.screen, ProjectScreen) else None
        self._find_undo(pid, None if pid is not None else current_user(self.store))

    @work(thread=True, group="undo")
    def _find_undo(self, pid: int | None, user: str | None) -> None:
        from projtrack.services.undo import last_change

        try:
            change = last_change(self.store, project_id=pid, user=user)
        except DatabaseError as exc:
            self.call_from_thread(self.notify, exc.render(self.lang), severity="error")
            return
        if change is None:
            self.call_from_thread(self.notify, t("err.nothing_to_undo", lang=self.lang),
                                  severity="warning")
            return
        self.call_from_thread(self._ask_undo, change, pid, user)

    def _ask_undo(self, change, pid: int | None, user: str | None) -> None:
        from rich.text import Text

        from projtrack.tui.screens.dialogs import ConfirmDialog

        body = Text("\n".join((t("change.will_undo", lang=self.lang, change=change.describe(self.lang)),
                               "", t("change.how", lang=self.lang))))

        def confirmed(ok: bool | None) -> None:
            if ok:
                self._undo(change.audit_id, pid, user)

        self.push_screen(ConfirmDialog(self.tr("undo.title"), body), confirmed)

    @work(thread=True, group="undo")
    def _undo(self, audit_id: int, pid: int | None, user: str | None) -> None:
        from projtrack.services.undo import undo_change

        try:
            done = undo_change(self.store, expected=audit_id, project_id=pid, user=user,
                               origin="tui")
        except DatabaseError as exc:
            self.call_from_thread(self.notify, exc.render(self.lang), severity="error")
            return
        except ProjtrackError as exc:
            self.call_from_thread(self.notify, exc.render(self.lang), severity="warning")
            return
        self.call_from_thread(self.notify, done.describe(self.lang))
        self.call_from_thread(self.reload, done.change.project_id)

    # --- the flag rules --------------------------------------------------------------------------
    def action_flag_rules(self) -> None:
        """R: the 红黄绿 rules form, with the flags a change would change (see rules_form)."""
        from projtrack.tui.widgets.rules_form import RulesForm

        if not isinstance(self.screen, RulesForm) and not self.waiting():
            self._open_rules()

    @work(thread=True, exclusive=True, group="rules")
    def _open_rules(self) -> None:
        from projtrack.services.rules import current
        from projtrack.tui.widgets.rules_form import RulesForm

        try:
            read = current(self.store)
        except DatabaseError as exc:
            self.call_from_thread(self.notify, exc.render(self.lang), severity="error")
            return
        form = RulesForm(self.store, read, self.portfolio)
        self.call_from_thread(self.push_screen, form, self._rules_saved)

    def _rules_saved(self, text: str | None) -> None:
        if text:
            self.notify(text)
            self.reload()  # every flag, under the rules saved

    # --- as-of date, import, help ---------------------------------------------------------------
    def action_change_as_of(self) -> None:
        from projtrack.tui.widgets.settings_forms import AsOfForm

        if self.waiting():
            return

        def chosen(iso: str | None) -> None:
            if iso:
                self.set_as_of(dt.date.fromisoformat(iso))

        self.push_screen(AsOfForm(self.as_of), chosen)

    def action_import_annex(self) -> None:
        from projtrack.tui.widgets.import_preview import ImportScreen

        if self.waiting() or self.refused("import_annex"):
            return

        def closed(done: bool | None) -> None:
            if done:
                self.reload()

        self.push_screen(ImportScreen(self.imports_dir), closed)

    def action_weekly_report(self) -> None:
        """The weekly report dialog, for the week the CLI's ``report weekly`` defaults to (the
        one containing the as-of date); from the portfolio of one county of a city's database,
        that county's report (``report weekly --county``)."""
        from projtrack.tui.screens.report import ReportDialog

        if not isinstance(self.screen, ReportDialog) and not self.waiting():
            period, _monday, _sunday = resolve_week(None, self.as_of)
            in_county = getattr(self.screen, "in_county", None)
            query = getattr(self.screen, "query_state", None)
            county = query.county if query is not None and in_county is not None \
                and in_county() else None
            self.push_screen(ReportDialog(period, str(self.reports_dir), county=county))

    def action_help(self) -> None:
        from projtrack.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def _portfolio_screen(self):
        from projtrack.tui.screens.portfolio import PortfolioScreen

        await self.switch_mode("portfolio")
        while not isinstance(self.screen, PortfolioScreen) and len(self.screen_stack) > 1:
            await self.pop_screen()
        return self.screen

    async def action_filter(self) -> None:
        screen = await self._portfolio_screen()
        screen.action_focus_filter()

    async def action_portfolio_do(self, action: str) -> None:
        """Run a portfolio-view action (sort, group, quick filters) from anywhere."""
        screen = await self._portfolio_screen()
        await self.run_action(action, screen)
