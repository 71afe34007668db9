"""Import an annex: pick a workbook in imports/ (or type a path), see the diff — added,
changed field by field, renamed, withdrawn, warnings and errors — and only then confirm the import.

The preview is a dry run (nothing written); the confirmed import rebuilds the plan inside its
own write transaction, so what is written is the state at that moment.  Both run in workers.
An import that blanks fields an earlier annex filled or withdraws more than a tenth of the
projects says so, and only ctrl+y imports it (ctrl+s does not); should the database change
between the preview and ctrl+s so that the import needs that confirmation, nothing is written
and the dialog asks for ctrl+y.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from projtrack.core.money import to_plain
from projtrack.errors import ProjtrackError
from projtrack.i18n import t, term
from projtrack.services.annex import changed_head, guard_lines, import_annex, issue_text
from projtrack.tui.keys import translate_bindings

if TYPE_CHECKING:
    from textual import getters

    from projtrack.importer.plan import ImportPlan
    from projtrack.tui.app import ProjtrackApp


class PlanReady(Message):
    def __init__(self, path: Path, plan: ImportPlan | None, dry_run: bool, error: str = ""):
        super().__init__()
        self.path, self.plan, self.dry_run, self.error = path, plan, dry_run, error


def _value(value: object, lang: str) -> str:
    if value is None:
        return "-"
    if isinstance(value, Decimal):
        return to_plain(value) or "0"
    return term(str(value), lang) if isinstance(value, str) else str(value)


def plan_text(plan: ImportPlan, dry_run: bool, lang: str) -> Text:
    def tr(key: str, **kw: object) -> str:
        return t(key, lang=lang, **kw)

    from projtrack.i18n import use_lang
    from projtrack.services.column_map import attention

    text = Text()
    with use_lang(lang):
        for sheet, used, info in plan.remembered:
            text.append(tr("import.remembered", sheet=sheet, map=used, info=info) + "\n",
                        style="bold #fbc02d")
        for line in attention(plan.maps):  # the whole map is one key away (m)
            text.append(line + "\n")
    if plan.maps:
        text.append(tr("ui.import.map_hint") + "\n\n", style="dim")
    text.append(tr("ui.import.head_dry" if dry_run else "ui.import.head_done", file=plan.file) + "\n",
                style="bold")
    text.append(tr("import.counts", added=len(plan.added), changed=len(plan.changed),
                   unchanged=len(plan.unchanged), withdrawn=len(plan.withdrawn),
                   warnings=len(plan.warnings), errors=len(plan.errors)) + "\n\n")
    for issue in plan.errors:
        text.append(f"{tr('import.error')} {issue_text(issue, lang)}\n", style="bold #ef5350")
    for f in plan.added:
        text.append(f"+ {f.name}", style="#66bb6a")
        text.append(f"  {term(f.category, lang)} {_value(f.total_investment, lang)}\n", style="dim")
    for ch in plan.changed:
        text.append(f"~ {changed_head(ch, lang)}", style="#fbc02d")
        text.append(f"  ({tr('import.reactivated')})\n" if ch.reactivated else "\n")
        for fc in ch.changes:
            if fc.field == "name" and ch.new_name is not None:
                continue  # said in the head line
            head, _, year = fc.field.partition(".")
            label = tr("field." + head) + (f" {year}" if year else "")
            text.append("    " + tr("ui.import.change", field=label, old=_value(fc.old, lang),
                                    new=_value(fc.new, lang)) + "\n")
    for _pid, name in plan.withdrawn:
        text.append(f"- {name}  ({tr('import.withdrawn')})\n", style="#ef5350")
    for issue in plan.warnings:
        text.append(f"{tr('import.warning')} {issue_text(issue, lang)}\n", style="#fbc02d")
    text.append("\n")
    guard = guard_lines(plan, lang) if dry_run or plan.held else []
    for line in guard:
        text.append(line + "\n", style="bold #ef5350")
    if plan.errors:
        text.append(tr("import.nothing_written_errors"), style="bold #ef5350")
    elif plan.held:
        text.append(tr("ui.import.held"), style="bold #ef5350")
    elif guard and dry_run:
        text.append(tr("ui.import.guard_hint"), style="bold #ef5350")
    elif not plan.has_changes:
        text.append(tr("import.nothing_changed"), style="bold")
    elif dry_run:
        text.append(tr("ui.import.confirm_hint"), style="bold")
    else:
        text.append(tr("ui.import.written"), style="bold #66bb6a")
    return text


class ImportScreen(ModalScreen[bool]):
    if TYPE_CHECKING:  # self.app as the type checker should see it
        app = getters.app(ProjtrackApp)

    BINDINGS = [Binding("escape", "close", "ui.key.close"),
                Binding("ctrl+s", "apply", "ui.key.confirm_import"),
                Binding("ctrl+y", "apply_anyway", "ui.key.import_anyway"),
                Binding("m", "column_map", "ui.key.column_map")]

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder
        self.path: Path | None = None
        self.preview: ImportPlan | None = None
        self.risky: ImportPlan | None = None  # a plan that needs ctrl+y to be imported
        self.written = False
        self.column_map: str | None = None  # the officer's corrections (--map text)

    def compose(self) -> ComposeResult:
        tr = self.app.tr
        with Vertical(classes="dialog import"):
            yield Static(tr("import.title"), classes="dialog-title")
            with Horizontal(id="import-body"):
                with Vertical(id="import-left"):
                    yield Label(tr("import.files", folder=str(self.folder)))
                    yield OptionList(id="files")
                    yield Input(placeholder=tr("import.path_hint"), id="path")
                with VerticalScroll(id="import-right"):
                    yield Static(tr("import.pick"), id="preview")
            with Horizontal(classes="buttons"):
                yield Button(tr("import.apply"), id="apply", variant="warning", disabled=True)
                yield Button(tr("form.close"), id="close")

    def on_mount(self) -> None:
        translate_bindings(self, self.app.lang)
        self.query_one("#path", Input).cursor_blink = not self.app.steady
        self._list_files()

    @work(thread=True, group="import-files")
    def _list_files(self) -> None:
        files = sorted(self.folder.glob("*.xlsx")) if self.folder.is_dir() else []
        self.app.call_from_thread(self._show_files, files)

    def _show_files(self, files: list[Path]) -> None:
        box = self.query_one("#files", OptionList)
        box.clear_options()
        box.add_options([Option(p.name, id=str(p)) for p in files])
        if files:
            box.highlighted = 0
            box.focus()
        else:
            self.query_one("#path", Input).focus()

    @on(OptionList.OptionSelected, "#files")
    def _file_picked(self, event: OptionList.OptionSelected) -> None:
        self._start(Path(event.option.id or ""))

    @on(Input.Submitted, "#path")
    def _path_typed(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self._start(Path(event.value.strip()).expanduser())

    def _start(self, path: Path) -> None:
        if path != self.path:
            self.column_map = None
        self.path, self.preview, self.risky = path, None, None
        self.refresh_bindings()
        self.query_one("#apply", Button).disabled = True
        self.query_one("#preview", Static).update(self.app.tr("import.reading", file=path.name))
        self._run(path, True)

    @work(thread=True, exclusive=True, group="import")
    def _run(self, path: Path, dry_run: bool, confirmed: bool = False) -> None:
        lang = self.app.lang
        if not path.is_file():
            self.post_message(PlanReady(path, None, dry_run, t("err.no_such_file", lang=lang, file=str(path))))
            return
        try:
            plan = import_annex(self.app.store, path, dry_run=dry_run,
                                column_map=self.column_map, confirmed=confirmed)
        except ProjtrackError as exc:  # a DatabaseError too
            self.post_message(PlanReady(path, None, dry_run, exc.render(lang)))
        else:
            self.post_message(PlanReady(path, plan, dry_run))

    def on_plan_ready(self, message: PlanReady) -> None:
        preview = self.query_one("#preview", Static)
        if message.plan is None:
            preview.update(Text(message.error, style="bold #ef5350"))
            return
        plan = message.plan
        preview.update(plan_text(plan, message.dry_run, self.app.lang))
        needs = plan.needs_confirmation and plan.has_changes
        self.risky = plan if (message.dry_run and needs) or plan.held else None
        self.refresh_bindings()
        if message.dry_run:
            self.preview = plan
            ok = not plan.errors and plan.has_changes and not needs
            self.query_one("#apply", Button).disabled = not ok
            if ok:
                self.query_one("#apply", Button).focus()
        else:
            self.written = self.written or (not plan.errors and not plan.held and plan.has_changes)
            self.query_one("#apply", Button).disabled = True
            self.query_one("#close", Button).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "apply_anyway":
            return self.risky is not None
        return True

    @on(Button.Pressed, "#apply")
    def action_apply(self) -> None:
        if self.path is None or self.preview is None or self.query_one("#apply", Button).disabled:
            return
        self.query_one("#apply", Button).disabled = True
        self.query_one("#preview", Static).update(self.app.tr("import.writing", file=self.path.name))
        self._run(self.path, False)

    def action_apply_anyway(self) -> None:
        """Import a plan that blanks fields or withdraws many projects: the explicit key."""
        if self.path is None or self.risky is None:
            return
        self.risky = None
        self.refresh_bindings()
        self.query_one("#apply", Button).disabled = True
        self.query_one("#preview", Static).update(self.app.tr("import.writing", file=self.path.name))
        self._run(self.path, False, True)

    def action_column_map(self) -> None:
        """Show every column's field and let the officer change it; preview again after."""
        from projtrack.tui.widgets.column_map import ColumnMapScreen

        if self.preview is None or not self.preview.maps or self.path is None:
            return

        def chosen(text: str | None) -> None:
            if text is not None and self.path is not None:
                self.column_map = text
                self._start(self.path)

        self.app.push_screen(ColumnMapScreen(self.preview.maps, self.column_map), chosen)

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(self.written)
