"""The data-entry forms on one project: spend, milestone, phase, annual plan, remarks, progress.

A form is opened with a ``FormContext`` read in a worker (the project, its milestones, its
money entries and the version of each editable record); saving passes that version as
``expected_version``, so a change made meanwhile by someone else is refused with the Conflict
message, never overwritten.  The spend form shows what it will record as it is typed (a
cumulative figure with the increment it gives); what the service wants confirmed is asked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from textual.widgets import Input

from projtrack.core.money import format_wan, to_plain
from projtrack.core.types import (
    ENTRY_KINDS,
    FUND_SOURCES,
    FUNDS,
    MILESTONES,
    PHASES,
    STAGES,
    MilestoneFacts,
    ProjectFacts,
)
from projtrack.i18n import t, term
from projtrack.services import entries as svc
from projtrack.services.checks import derive, echo
from projtrack.services.database import Store
from projtrack.tui.widgets import fields as P
from projtrack.tui.widgets.forms import Field, FormScreen, V, maybe, need


@dataclass(frozen=True)
class FormContext:
    store: Store
    as_of: dt.date
    lang: str
    facts: ProjectFacts
    versions: dict[str, int]
    milestones: dict[str, MilestoneFacts]
    ledger: tuple[tuple[str, dt.date, Decimal], ...] = ()  # (kind, date, amount) on record

    @classmethod
    def fetch(cls, store: Store, project_id: int, as_of: dt.date, lang: str) -> FormContext | None:
        found = svc.entry_context(store, project_id)
        if found is None:
            return None
        return cls(store, as_of, lang, found.facts, found.versions, found.milestones,
                   found.ledger)

    @property
    def pid(self) -> int:
        assert self.facts.id is not None
        return self.facts.id


# --- what each form reads: its typed result ------------------------------------------------------

@dataclass(frozen=True)
class SpendValues:
    kind: str
    mode: str  # SpendForm.MODES
    amount: Decimal
    date: dt.date
    source: str | None
    note: str | None


@dataclass(frozen=True)
class MilestoneValues:
    name: str
    planned: dt.date | None
    actual: dt.date | None


@dataclass(frozen=True)
class PhaseValues:
    phase: str


@dataclass(frozen=True)
class PlanValues:
    year: int
    amount: Decimal


@dataclass(frozen=True)
class RemarksValues:
    remarks: str | None


@dataclass(frozen=True)
class ProgressValues:
    date: dt.date
    stage: str | None
    percent: Decimal | None
    note: str | None


def _d(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


class ProjectForm(FormScreen[V]):
    def __init__(self, ctx: FormContext) -> None:
        super().__init__(subtitle=f"#{ctx.pid}  {ctx.facts.name}")
        self.ctx = ctx

    def msg(self, key: str, **params: object) -> str:
        return t(key, lang=self.ctx.lang, **params)


class SpendForm(ProjectForm[SpendValues]):
    TITLE_KEY = "form.spend_title"
    MODES = ("increment", "year", "total")  # the amount, 本年累计, 开累

    def build_fields(self) -> list[Field]:
        tr, lang = self.tr, self.ctx.lang
        return [
            Field("kind", tr("form.kind"), ENTRY_KINDS[0], options=[(term(k, lang), k) for k in ENTRY_KINDS]),
            Field("mode", tr("form.mode"), "increment",
                  options=[(tr(f"form.mode_{m}"), m) for m in self.MODES]),
            Field("amount", tr("form.amount"), parse=P.amount(tr), hint=tr("form.amount_hint"),
                  placeholder="1,200.5"),
            Field("date", tr("form.date"), _d(self.ctx.as_of), parse=P.date(tr), hint=tr("form.date_hint")),
            Field("source", tr("form.source"), "", options=[(tr("form.none"), "")] +
                  [(term(s, lang), s) for s in FUND_SOURCES], hint=tr("form.source_hint")),
            Field("note", tr("form.note"), parse=P.text),
        ]

    def collect(self, values: Mapping[str, object]) -> SpendValues:
        return SpendValues(kind=need(values["kind"], str), mode=need(values["mode"], str),
                           amount=need(values["amount"], Decimal),
                           date=need(values["date"], dt.date),
                           source=maybe(values["source"], str), note=maybe(values["note"], str))

    def check(self, values: SpendValues) -> dict[str, str]:
        if values.source and values.kind != FUNDS:
            return {"source": self.tr("form.source_only_funds")}
        return {}

    def _basis(self, values: SpendValues) -> str | None:
        return None if values.mode == "increment" else values.mode

    def preview(self, values: SpendValues) -> str | None:
        """"记录 完成投资 120.50 万元,日期 2026-11-29", from what the form read when it opened (the
        service works the increment out again when it saves)."""
        amounts = [(d, a) for k, d, a in self.ctx.ledger if k == values.kind]
        derived = derive(values.amount, self._basis(values), kind=values.kind, day=values.date,
                         amounts=amounts, prior=self.ctx.facts.prior_actual)
        return echo(values.kind, values.date, derived, lang=self.ctx.lang)

    def submit(self, values: SpendValues) -> str:
        done = svc.record_entry(self.ctx.store, self.ctx.pid, amount=values.amount,
                                date=values.date, kind=values.kind,
                                cumulative=self._basis(values), source=values.source,
                                note=values.note, origin="tui", force=self.force,
                                correction=self.correction, ask=self.ask)
        return done.echo(self.ctx.lang) + "  " + self.msg("msg.entry_recorded", id=done.entry.id,
                                                          project=done.project)


class MilestoneForm(ProjectForm[MilestoneValues]):
    TITLE_KEY = "form.milestone_title"

    def __init__(self, ctx: FormContext, name: str | None = None) -> None:
        super().__init__(ctx)
        self.start_name = name if name in MILESTONES else self._next_name()

    def _next_name(self) -> str:
        for name in MILESTONES:
            m = self.ctx.milestones.get(name)
            if m is None or m.actual is None:
                return name
        return MILESTONES[-1]

    def build_fields(self) -> list[Field]:
        tr = self.tr
        m = self.ctx.milestones.get(self.start_name)
        return [
            Field("name", tr("form.milestone"), self.start_name,
                  options=[(term(n, self.ctx.lang), n) for n in MILESTONES]),
            Field("planned", tr("form.planned"), _d(m.planned if m else None),
                  parse=P.date(tr, optional=True, field="planned"),
                  hint=tr("form.optional_date_hint")),
            Field("actual", tr("form.actual"), _d(m.actual if m else None),
                  parse=P.date(tr, optional=True, field="actual"),
                  hint=tr("form.optional_date_hint")),
        ]

    def field_changed(self, name: str, value: object) -> None:
        if name != "name":
            return
        m = self.ctx.milestones.get(str(value))
        for f in self.fields:
            if f.name in ("planned", "actual"):
                f.value = _d(getattr(m, f.name) if m else None)
                f.touched = False
                self.query_one(f"#field-{f.name}", Input).value = f.value

    def collect(self, values: Mapping[str, object]) -> MilestoneValues:
        return MilestoneValues(name=need(values["name"], str),
                               planned=maybe(values["planned"], dt.date),
                               actual=maybe(values["actual"], dt.date))

    def submit(self, values: MilestoneValues) -> str:
        name = values.name
        m = svc.set_milestone(self.ctx.store, self.ctx.pid, name, planned=values.planned,
                              actual=values.actual,
                              expected_version=self.ctx.versions.get(f"milestone:{name}"),
                              origin="tui", force=self.force, ask=self.ask).record
        return self.msg("msg.milestone_set", name=term(name, self.ctx.lang),
                        planned=m.planned or "-", actual=m.actual or "-")


class PhaseForm(ProjectForm[PhaseValues]):
    TITLE_KEY = "form.phase_title"

    def build_fields(self) -> list[Field]:
        return [Field("phase", self.tr("form.phase"), self.ctx.facts.phase,
                      options=[(term(p, self.ctx.lang), p) for p in PHASES])]

    def collect(self, values: Mapping[str, object]) -> PhaseValues:
        return PhaseValues(phase=need(values["phase"], str))

    def submit(self, values: PhaseValues) -> str:
        svc.update_project(self.ctx.store, self.ctx.pid, phase=values.phase, origin="tui",
                           expected_version=self.ctx.versions.get("project"))
        return self.msg("msg.phase_set", phase=term(values.phase, self.ctx.lang))


class PlanForm(ProjectForm[PlanValues]):
    TITLE_KEY = "form.plan_title"

    def _amount_for(self, year: int) -> str:
        value = self.ctx.facts.annual_plan.get(year)
        return to_plain(value) or "" if value is not None else ""

    def build_fields(self) -> list[Field]:
        tr, year = self.tr, self.ctx.as_of.year
        return [
            Field("year", tr("form.year"), str(year), parse=P.year(tr)),
            Field("amount", tr("form.plan_amount"), self._amount_for(year),
                  parse=P.amount(tr, field="plan_amount"), hint=tr("form.amount_hint")),
        ]

    def field_changed(self, name: str, value: object) -> None:
        if name == "year" and str(value).strip().isdigit():
            amount = self._amount_for(int(str(value).strip()))
            box = self.query_one("#field-amount", Input)
            if not self.fields[1].touched:
                self.fields[1].value = amount
                box.value = amount

    def collect(self, values: Mapping[str, object]) -> PlanValues:
        return PlanValues(year=need(values["year"], int), amount=need(values["amount"], Decimal))

    def submit(self, values: PlanValues) -> str:
        year = values.year
        svc.set_plan(self.ctx.store, self.ctx.pid, year, values.amount, origin="tui",
                     expected_version=self.ctx.versions.get(f"plan:{year}"))
        return self.msg("msg.plan_set", year=year, amount=format_wan(values.amount))


class RemarksForm(ProjectForm[RemarksValues]):
    TITLE_KEY = "form.remarks_title"

    def build_fields(self) -> list[Field]:
        return [Field("remarks", self.tr("form.remarks"), self.ctx.facts.remarks or "", parse=P.text)]

    def collect(self, values: Mapping[str, object]) -> RemarksValues:
        return RemarksValues(remarks=maybe(values["remarks"], str))

    def submit(self, values: RemarksValues) -> str:
        svc.update_project(self.ctx.store, self.ctx.pid, remarks=values.remarks, origin="tui",
                           expected_version=self.ctx.versions.get("project"))
        return self.tr("msg.remarks_set")


class ProgressForm(ProjectForm[ProgressValues]):
    TITLE_KEY = "form.progress_title"

    def build_fields(self) -> list[Field]:
        tr, lang = self.tr, self.ctx.lang
        return [
            Field("date", tr("form.date"), _d(self.ctx.as_of), parse=P.date(tr), hint=tr("form.date_hint")),
            Field("stage", tr("form.stage"), "", options=[(tr("form.none"), "")] +
                  [(term(s, lang), s) for s in STAGES]),
            Field("percent", tr("form.percent"), parse=P.percent(tr), placeholder="40%"),
            Field("note", tr("form.note"), parse=P.text),
        ]

    def collect(self, values: Mapping[str, object]) -> ProgressValues:
        return ProgressValues(date=need(values["date"], dt.date),
                              stage=maybe(values["stage"], str),
                              percent=maybe(values["percent"], Decimal),
                              note=maybe(values["note"], str))

    def check(self, values: ProgressValues) -> dict[str, str]:
        if not values.stage and values.percent is None:
            return {"percent": self.tr("form.progress_empty")}
        return {}

    def submit(self, values: ProgressValues) -> str:
        e = svc.add_progress(self.ctx.store, self.ctx.pid, date=values.date,
                             stage=values.stage, percent=values.percent,
                             note=values.note, origin="tui", force=self.force,
                             ask=self.ask).record
        pct = f"{to_plain(e.percent * 100)}%" if e.percent is not None else "-"
        return self.msg("msg.progress_recorded", id=e.id, date=e.entry_date.isoformat(),
                        stage=term(e.stage, self.ctx.lang) or "-", percent=pct)


FORMS = {"spend": SpendForm, "milestone": MilestoneForm, "phase": PhaseForm, "plan": PlanForm,
         "remarks": RemarksForm, "progress": ProgressForm}
