"""The data-entry forms on one project: spend, milestone, phase, annual plan, remarks, progress.

A form is opened with a ``FormContext`` read in a worker (the project, its milestones, its
money entries and the version of each editable record); saving passes that version as
``expected_version``, so a change made meanwhile by someone else is refused with the Conflict
message, never overwritten.  The spend form shows what it will record as it is typed (a
cumulative figure with the increment it gives); what the service wants confirmed is asked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

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
from projtrack.tui.widgets.forms import Field, FormScreen


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


def _d(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


class ProjectForm(FormScreen):
    def __init__(self, ctx: FormContext) -> None:
        super().__init__(subtitle=f"#{ctx.pid}  {ctx.facts.name}")
        self.ctx = ctx

    def msg(self, key: str, **params: object) -> str:
        return t(key, lang=self.ctx.lang, **params)


class SpendForm(ProjectForm):
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

    def check(self, values: dict[str, object]) -> dict[str, str]:
        if values["source"] and values["kind"] != FUNDS:
            return {"source": self.tr("form.source_only_funds")}
        return {}

    def _basis(self, values: dict[str, object]) -> str | None:
        return None if values["mode"] == "increment" else str(values["mode"])

    def preview(self, values: dict[str, object]) -> str | None:
        """"记录 完成投资 120.50 万元,日期 2026-11-29", from what the form read when it opened (the
        service works the increment out again when it saves)."""
        amount, day, kind = values["amount"], values["date"], str(values["kind"])
        assert isinstance(amount, Decimal) and isinstance(day, dt.date)
        amounts = [(d, a) for k, d, a in self.ctx.ledger if k == kind]
        derived = derive(amount, self._basis(values), kind=kind, day=day, amounts=amounts,
                         prior=self.ctx.facts.prior_actual)
        return echo(kind, day, derived, lang=self.ctx.lang)

    def submit(self, values: dict[str, object]) -> str:
        done = svc.record_entry(self.ctx.store, self.ctx.pid, amount=values["amount"],
                                date=values["date"], kind=values["kind"],
                                cumulative=self._basis(values), source=values["source"] or None,
                                note=values["note"], origin="tui", force=self.force,
                                correction=self.correction, ask=self.ask)
        return done.echo(self.ctx.lang) + "  " + self.msg("msg.entry_recorded", id=done.entry.id,
                                                          project=done.project)


class MilestoneForm(ProjectForm):
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
                self.query_one(f"#field-{f.name}").value = f.value

    def submit(self, values: dict[str, object]) -> str:
        name = str(values["name"])
        m = svc.set_milestone(self.ctx.store, self.ctx.pid, name, planned=values["planned"],
                              actual=values["actual"],
                              expected_version=self.ctx.versions.get(f"milestone:{name}"),
                              origin="tui", force=self.force, ask=self.ask).record
        return self.msg("msg.milestone_set", name=term(name, self.ctx.lang),
                        planned=m.planned or "-", actual=m.actual or "-")


class PhaseForm(ProjectForm):
    TITLE_KEY = "form.phase_title"

    def build_fields(self) -> list[Field]:
        return [Field("phase", self.tr("form.phase"), self.ctx.facts.phase,
                      options=[(term(p, self.ctx.lang), p) for p in PHASES])]

    def submit(self, values: dict[str, object]) -> str:
        svc.update_project(self.ctx.store, self.ctx.pid, phase=values["phase"], origin="tui",
                           expected_version=self.ctx.versions.get("project"))
        return self.msg("msg.phase_set", phase=term(str(values["phase"]), self.ctx.lang))


class PlanForm(ProjectForm):
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
            box = self.query_one("#field-amount")
            if not self.fields[1].touched:
                self.fields[1].value = amount
                box.value = amount

    def submit(self, values: dict[str, object]) -> str:
        year = int(values["year"])
        svc.set_plan(self.ctx.store, self.ctx.pid, year, values["amount"], origin="tui",
                     expected_version=self.ctx.versions.get(f"plan:{year}"))
        return self.msg("msg.plan_set", year=year, amount=format_wan(values["amount"]))


class RemarksForm(ProjectForm):
    TITLE_KEY = "form.remarks_title"

    def build_fields(self) -> list[Field]:
        return [Field("remarks", self.tr("form.remarks"), self.ctx.facts.remarks or "", parse=P.text)]

    def submit(self, values: dict[str, object]) -> str:
        svc.update_project(self.ctx.store, self.ctx.pid, remarks=values["remarks"], origin="tui",
                           expected_version=self.ctx.versions.get("project"))
        return self.tr("msg.remarks_set")


class ProgressForm(ProjectForm):
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

    def check(self, values: dict[str, object]) -> dict[str, str]:
        if not values["stage"] and values["percent"] is None:
            return {"percent": self.tr("form.progress_empty")}
        return {}

    def submit(self, values: dict[str, object]) -> str:
        e = svc.add_progress(self.ctx.store, self.ctx.pid, date=values["date"],
                             stage=values["stage"] or None, percent=values["percent"],
                             note=values["note"], origin="tui", force=self.force,
                             ask=self.ask).record
        pct = f"{to_plain(e.percent * 100)}%" if e.percent is not None else "-"
        return self.msg("msg.progress_recorded", id=e.id, date=e.entry_date.isoformat(),
                        stage=term(e.stage, self.ctx.lang) or "-", percent=pct)


FORMS = {"spend": SpendForm, "milestone": MilestoneForm, "phase": PhaseForm, "plan": PlanForm,
         "remarks": RemarksForm, "progress": ProgressForm}
