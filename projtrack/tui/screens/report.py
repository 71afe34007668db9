"""P — print the weekly report: pick the ISO week, the formats and the folder, then see where
the files went and whether the week was issued (frozen), reprinted or printed as a draft.
``b`` copies the week's 通报 paragraph to the clipboard.

Fields are checked as the officer types; nothing runs until they are valid.  The report is built
and written in a thread worker (the PDF takes seconds) with a progress bar; a failure shows in
the dialog and the dialog stays open.  See ``projtrack.reports`` for issuing and reprinting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, ProgressBar, Static

from projtrack.core.calendar import iso_week_of, parse_iso_week
from projtrack.errors import DatabaseError, ProjtrackError
from projtrack.i18n import t
from projtrack.services import weekly
from projtrack.services.weekly import IssueStatus
from projtrack.tui.keys import translate_bindings

if TYPE_CHECKING:
    from textual import getters

    from projtrack.services.weekly import Issued
    from projtrack.tui.app import ProjtrackApp

FORMATS = weekly.FORMATS
FORMAT_LABELS = {"xlsx": "xlsx", "pdf": "PDF"}


def resolve_folder(text: str) -> Path:
    """The folder as typed; a relative one starts at the current directory."""
    path = Path(text.strip()).expanduser()
    return path if path.is_absolute() else Path.cwd() / path


@dataclass(frozen=True)
class Job:
    period: str
    as_of: dt.date
    formats: tuple[str, ...]
    folder: Path
    lang: str
    draft: bool
    reissue: bool


class ReportProgress(Message):
    def __init__(self, step: int, text: str) -> None:
        super().__init__()
        self.step, self.text = step, text


class ReportFinished(Message):
    """The run is over: ``error`` is empty on success; ``issued`` and ``paths`` say what was
    done before an error too (a week may be issued and frozen before a file fails)."""

    def __init__(self, job: Job, issued: Issued | None, paths: list[Path], error: str = "") -> None:
        super().__init__()
        self.job, self.issued, self.paths, self.error = job, issued, paths, error


class BriefReady(Message):
    """The 通报 paragraph of a week, worked out in a thread (``services.weekly.brief``)."""

    def __init__(self, brief: weekly.Brief | None, error: str = "") -> None:
        super().__init__()
        self.brief, self.error = brief, error


class IssuedWeeks(Message):
    def __init__(self, periods: set[str]) -> None:
        super().__init__()
        self.periods = periods


def status_text(issued: Issued, job: Job) -> str:
    """What happened to the week: issued, re-issued, reprinted or a draft (and why)."""
    r = issued.report
    lang = job.lang
    if issued.status == IssueStatus.REPRINTED:
        return t("report.msg.reprinted", lang=lang, period=r.period,
                 issued=r.issued_at.date().isoformat() if r.issued_at else "?")
    if issued.status == IssueStatus.DRAFT:
        text = t("report.msg.draft", lang=lang, period=r.period)
        if issued.week_not_over:
            text += "\n" + t("ui.report.week_not_over", lang=lang, period=r.period,
                             end=r.week_end.isoformat(), as_of=job.as_of.isoformat())
        return text
    return t(f"report.msg.{issued.status}", lang=lang, period=r.period)


class ReportDialog(ModalScreen[None]):
    """The weekly report dialog; stays open after printing so the paths can be read."""

    if TYPE_CHECKING:  # self.app as the type checker should see it
        app = getters.app(ProjtrackApp)

    BINDINGS = [Binding("escape", "close", "ui.key.close"),
                Binding("ctrl+s", "print", "ui.key.print"),
                # b off the text fields (in one it is a letter, as Textual leaves it), ctrl+b
                # anywhere
                Binding("b", "copy_brief", "ui.key.copy_brief"),
                Binding("ctrl+b", "copy_brief", "ui.key.copy_brief", show=False)]

    def __init__(self, week: str, folder: str, county: str | None = None) -> None:
        """``county``: the report of that county of a city's database (opened from the
        portfolio of that county); None: the whole database's."""
        super().__init__()
        self.week = week
        self.folder = folder
        self.county = county
        self.issued_periods: set[str] = set()
        self.running = False
        self.errors: dict[str, str] = {}
        self.period: str | None = None

    @property
    def tr(self) -> Callable[..., str]:
        """The app's ``ui.`` catalog strings in the display language."""
        return self.app.tr

    # --- layout -------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        tr = self.tr
        with Vertical(classes="form report"):
            yield Static(tr("report.title") if self.county is None else
                         tr("report.title_county", county=self.county), classes="form-title")
            with VerticalScroll(classes="form-fields", id="report-body"):
                yield from self._fields()
            with Horizontal(classes="buttons"):
                yield Button(tr("report.print"), id="print", variant="primary", compact=True)
                yield Button(tr("form.close"), id="close", compact=True)

    def _fields(self) -> ComposeResult:
        tr = self.tr
        blink = not self.app.steady
        with Horizontal(classes="field-row"):
            yield Label(tr("report.week"), classes="field-label")
            box = Input(self.week, placeholder=tr("report.week_placeholder"), compact=True,
                        id="report-week")
            box.cursor_blink = blink
            yield box
        yield Static("", classes="field-hint", id="hint-week")
        with Horizontal(classes="field-row"):
            yield Label(tr("report.formats"), classes="field-label")
            for fmt in FORMATS:
                yield Checkbox(FORMAT_LABELS[fmt], True, compact=True, id=f"report-{fmt}")
        yield Static("", classes="field-hint", id="hint-formats")
        with Horizontal(classes="field-row"):
            yield Label(tr("report.folder"), classes="field-label")
            box = Input(self.folder, compact=True, id="report-folder")
            box.cursor_blink = blink
            yield box
        yield Static(tr("report.folder_hint"), classes="field-hint", id="hint-folder")
        with Horizontal(classes="field-row"):
            yield Label(tr("report.options"), classes="field-label")
            yield Checkbox(tr("report.draft"), compact=True, id="report-draft")
            yield Checkbox(tr("report.reissue"), compact=True, id="report-reissue")
        with Horizontal(id="report-progress"):
            yield ProgressBar(total=1 + len(FORMATS), show_eta=False, id="report-bar")
            yield Static("", id="report-step")
        yield Static("", id="report-result")

    def on_mount(self) -> None:
        translate_bindings(self, self.app.lang)
        self.query_one("#report-progress").display = False
        self.query_one("#report-result").display = False
        self.validate()
        self.query_one("#report-week", Input).focus()
        self._load_issued()

    @work(thread=True, group="report-issued")
    def _load_issued(self) -> None:
        try:
            periods = set(weekly.issued_periods(self.app.store, county=self.county))
        except DatabaseError:
            return  # only the hint needs it; printing reports a database error itself
        self.post_message(IssuedWeeks(periods))

    def on_issued_weeks(self, message: IssuedWeeks) -> None:
        self.issued_periods = message.periods
        self.validate()

    # --- validation ---------------------------------------------------------------------------
    def _checked(self, name: str) -> bool:
        return self.query_one(f"#report-{name}", Checkbox).value

    def formats(self) -> tuple[str, ...]:
        return tuple(fmt for fmt in FORMATS if self._checked(fmt))

    def validate(self) -> bool:
        """Check every field, show the messages and the week's fate; True when printable."""
        tr = self.tr
        as_of = self.app.as_of
        self.errors, self.period = {}, None
        week_hint = ""
        raw = self.query_one("#report-week", Input).value
        try:
            monday, sunday = parse_iso_week(raw)
        except ValueError:
            self.errors["week"] = tr("report.bad_week", found=raw.strip())
        else:
            self.period = iso_week_of(monday)
            if sunday > as_of:
                fate = tr("report.will_draft_not_over", as_of=as_of.isoformat())
            elif self._checked("draft"):
                fate = tr("report.will_draft")
            elif self._checked("reissue"):
                fate = tr("report.will_reissue")
            elif self.period in self.issued_periods:
                fate = tr("report.will_reprint")
            else:
                fate = tr("report.will_issue")
            week_hint = tr("report.week_dates", monday=monday.isoformat(),
                           sunday=sunday.isoformat()) + "  " + fate
        if not self.formats():
            self.errors["formats"] = tr("report.no_format")
        folder = self.query_one("#report-folder", Input).value
        if not folder.strip():
            self.errors["folder"] = tr("form.required")
        else:
            path = resolve_folder(folder)
            if path.exists() and not path.is_dir():
                self.errors["folder"] = tr("report.not_a_folder", path=str(path))
        hints = {"week": week_hint, "formats": "", "folder": tr("report.folder_hint")}
        for name, hint_text in hints.items():
            hint = self.query_one(f"#hint-{name}", Static)
            message = self.errors.get(name)
            hint.update(Text(message or hint_text))  # typed text is not markup
            hint.set_class(bool(message), "-error")
            hint.display = bool(message or hint_text)
        self.query_one("#print", Button).disabled = bool(self.errors) or self.running
        return not self.errors

    @on(Input.Changed)
    def _typed(self) -> None:
        self.validate()

    @on(Checkbox.Changed)
    def _ticked(self, event: Checkbox.Changed) -> None:
        # draft and re-issue exclude each other: ticking one clears the other
        other = {"report-draft": "#report-reissue", "report-reissue": "#report-draft"}
        if event.value and event.checkbox.id in other:
            self.query_one(other[event.checkbox.id], Checkbox).value = False
        self.validate()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_print()

    # --- the brief ----------------------------------------------------------------------------
    def action_copy_brief(self) -> None:
        """b: copy the week's 通报 paragraph (from its frozen report when it was issued, else a
        draft from the current figures) to the clipboard, and say so."""
        if self.period is None:
            self.notify(self.errors.get("week", ""), severity="error")
            return
        self._make_brief(self.period, self.app.as_of, self.app.lang)

    @work(thread=True, exclusive=True, group="report-brief")
    def _make_brief(self, period: str, as_of: dt.date, lang: str) -> None:
        try:
            made = weekly.brief(self.app.store, period=period, as_of=as_of, lang=lang,
                                county=self.county)
        except ProjtrackError as exc:
            self.post_message(BriefReady(None, exc.render(lang)))
        else:
            self.post_message(BriefReady(made))

    def on_brief_ready(self, message: BriefReady) -> None:
        if message.brief is None:
            self.notify(message.error, severity="error")
            return
        b = message.brief
        self.app.copy_to_clipboard(b.text)
        key = "ui.report.brief_copied_draft" if b.draft else "ui.report.brief_copied"
        self.notify(t(key, lang=self.app.lang, period=b.report.period))

    # --- printing -----------------------------------------------------------------------------
    @on(Button.Pressed, "#print")
    def action_print(self) -> None:
        if self.running:
            return
        if not self.validate():
            first = next(iter(self.errors))
            self.query_one({"week": "#report-week", "formats": "#report-xlsx",
                            "folder": "#report-folder"}[first]).focus()
            return
        assert self.period is not None
        job = Job(period=self.period, as_of=self.app.as_of, formats=self.formats(),
                  folder=resolve_folder(self.query_one("#report-folder", Input).value),
                  lang=self.app.lang, draft=self._checked("draft"),
                  reissue=self._checked("reissue"))
        if job.reissue and job.period in self.issued_periods:
            from projtrack.tui.screens.dialogs import ConfirmDialog

            self.app.push_screen(
                ConfirmDialog(self.tr("report.reissue_title"),
                              self.tr("report.reissue_body", period=job.period)),
                lambda ok: self._start(job) if ok else None)
        else:
            self._start(job)

    def _start(self, job: Job) -> None:
        self.running = True
        for widget in self.query("Input, Checkbox"):
            widget.disabled = True
        self.query_one("#print", Button).disabled = True
        bar = self.query_one("#report-bar", ProgressBar)
        bar.update(total=1 + len(job.formats), progress=0)
        self.query_one("#report-progress").display = True
        self.query_one("#report-result").display = False
        self._run(job)

    @work(thread=True, exclusive=True, group="weekly-report")
    def _run(self, job: Job) -> None:
        lang = job.lang
        issued: Issued | None = None
        paths: list[Path] = []
        try:
            self.post_message(ReportProgress(0, t("ui.report.step_issue", lang=lang,
                                                  period=job.period)))
            prepared = weekly.prepare(self.app.store, week=job.period, as_of=job.as_of,
                                      draft=job.draft, reissue=job.reissue, county=self.county)
            done = iter(range(1, len(job.formats) + 1))

            def written(_fmt: str) -> None:  # the next format is being written now
                step = next(done)
                if step < len(job.formats):
                    self.post_message(ReportProgress(step + 1, t(
                        "ui.report.step_write", lang=lang, fmt=FORMAT_LABELS[job.formats[step]])))

            self.post_message(ReportProgress(1, t("ui.report.step_write", lang=lang,
                                                  fmt=FORMAT_LABELS[job.formats[0]])))
            issued, paths = weekly.publish(self.app.store, prepared, formats=job.formats,
                                           out_dir=job.folder, lang=lang, on_written=written)
        except ProjtrackError as exc:  # a DatabaseError too
            error = exc.render(lang)
        except Exception as exc:  # a renderer or the file system: say so, keep the app running
            error = t("ui.report.unexpected", lang=lang, why=f"{type(exc).__name__}: {exc}")
        else:
            error = ""
        self.post_message(ReportFinished(job, issued, paths, error))

    def on_report_progress(self, message: ReportProgress) -> None:
        self.query_one("#report-bar", ProgressBar).update(progress=message.step)
        self.query_one("#report-step", Static).update(Text(message.text))

    def on_report_finished(self, message: ReportFinished) -> None:
        job, tr = message.job, self.tr
        self.running = False
        for widget in self.query("Input, Checkbox"):
            widget.disabled = False
        self.query_one("#report-progress").display = False
        text = Text()
        if message.issued is not None:
            text.append(status_text(message.issued, job) + "\n", style="bold")
            if message.issued.frozen:
                self.issued_periods.add(message.issued.report.period)
            if message.issued.status == IssueStatus.REISSUED:  # done: a second print just reprints it
                self.query_one("#report-reissue", Checkbox).value = False
        for path in message.paths:
            text.append(t("report.msg.written", lang=job.lang, path=str(path)) + "\n")
        if message.error:
            text.append(tr("report.failed") + "\n" + message.error, style="bold #ef5350")
        else:
            text.append(tr("report.done", folder=str(job.folder)), style="#66bb6a")
        result = self.query_one("#report-result", Static)
        result.update(text)
        result.display = True
        body = self.query_one("#report-body", VerticalScroll)
        self.call_after_refresh(body.scroll_end, animate=False)
        self.validate()
        self.query_one("#close" if not message.error else "#print", Button).focus()

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        if self.running:
            self.notify(self.tr("report.busy"), severity="warning")
            return
        self.dismiss(None)
