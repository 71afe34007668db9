"""Budget changes with their approval (调整与批复): propose a change of a project's 总投资 and/or
annual plans (拟调整), then approve it (已批复, with its 批复文号 and date: only then do the figures
move) or reject it (未批准).  Each verb is one transaction, audited.

An approval checks that every figure the change names is still what it was when the change was
proposed: one changed since (another approval, ``plan set``, an annex import) refuses it,
naming the figure, what it was then and what it is now — reject it and propose it again.  The
figures an approval moves are audited with the context ``budget:#ID``; ``projtrack undo`` leaves
them alone (a budget change is reversed by another budget change, not undone).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from projtrack.core.budget import (
    PLAN,
    TOTAL,
    BudgetChange,
    BudgetLine,
    PendingSummary,
    check_move,
    line,
    move_lines,
    pending_summary,
)
from projtrack.core.money import ZERO, check_precision, format_wan
from projtrack.core.terms import BudgetState
from projtrack.core.types import ProjectFacts
from projtrack.errors import BadData, BadUsage
from projtrack.i18n import current_lang, t, term
from projtrack.store import budget as store_budget
from projtrack.store.repo import Store


def _text(value: str | None, what: str, *, required: bool = False) -> str | None:
    from projtrack.core.text import clean_text

    text = clean_text(value, keep_newlines=False) if value is not None else None
    if not text:
        if required:
            raise BadUsage("err.budget_needs", what=t(f"field.{what}"))
        return None
    return text


def propose(store: Store, project_id: int, *, total: Decimal | None = None,
            plans: Mapping[int, Decimal] | None = None,
            moves: Sequence[tuple[int, int, Decimal]] = (), reason: str | None,
            source: str = "cli") -> BudgetChange:
    """Record a proposed change (拟调整) of ``project_id``: 总投资 to ``total``, each year of
    ``plans`` to its amount, and each move (from year, to year, amount) of plan money between
    years — one change, whose move lines sum to 0.  Nothing moves until it is approved.

    Raises BadUsage for a change that names nothing, a year named twice, no reason; BadData for
    a move of more than the year's plan or a change that changes nothing."""
    plans = dict(plans or {})
    if total is None and not plans and not moves:
        raise BadUsage("err.budget_nothing")
    why = _text(reason, "reason", required=True)
    moved_years = {y for a, b, _ in moves for y in (a, b)}
    twice = sorted(set(plans) & moved_years)
    if twice:
        raise BadUsage("err.budget_year_twice", year=twice[0])
    for year in set(plans) | moved_years:
        if not 1900 < year < 2200:
            raise BadUsage("err.bad_year", year=year)
    for amount in [total, *plans.values(), *(m[2] for m in moves)]:
        if amount is not None:
            check_precision(Decimal(amount))
            if amount < 0:
                raise BadData("err.negative_amount", found=amount)
    for a, b, amount in moves:
        if a == b:
            raise BadUsage("err.budget_move_same_year")
        if amount <= 0:
            raise BadUsage("err.budget_move_not_positive")

    def make_lines(p: ProjectFacts) -> list[BudgetLine]:
        current = p.annual_plan
        lines: list[BudgetLine] = []
        if total is not None:
            lines.append(line(TOTAL, None, p.total_investment, total))
        for year, amount in sorted(plans.items()):
            lines.append(line(PLAN, year, current.get(year), amount))
        if moves:
            moved = move_lines(moves, current)
            for year, amount in sorted(moved.items()):
                if amount < 0:
                    raise BadData("err.budget_move_exceeds", year=year,
                                  plan=format_wan(current.get(year, ZERO)),
                                  amount=format_wan(current.get(year, ZERO) - amount))
            move = [line(PLAN, y, current.get(y), a) for y, a in sorted(moved.items())]
            assert check_move(move)  # a move only changes years
            lines += move
        lines = [ln for ln in lines if ln.old != ln.new]
        if not lines:
            raise BadData("err.budget_no_change", project=p.name)
        return sorted(lines, key=_order)

    return store_budget.propose(store, project_id, make_lines, source=source, reason=why)


def _order(ln: BudgetLine) -> tuple[int, int]:
    return (0, 0) if ln.field == TOTAL else (1, ln.year or 0)


def approve(store: Store, change_id: int, *, doc_no: str, date: dt.date | None = None,
            source: str = "cli") -> BudgetChange:
    """Approve the proposed change ``change_id`` (批复文号 ``doc_no``, dated ``date``, default
    today): its figures move now, each audited.  Raises BadUsage for no such change or no
    文号, BadData for one decided already or a figure changed since it was proposed."""
    doc = _text(doc_no, "doc_no", required=True)
    return store_budget.decide(store, change_id, BudgetState.APPROVED, doc_no=doc,
                               day=date or dt.date.today(), note=None, source=source)


def reject(store: Store, change_id: int, *, doc_no: str | None = None,
           reason: str | None = None, date: dt.date | None = None,
           source: str = "cli") -> BudgetChange:
    """Reject the proposed change ``change_id`` (未批准): nothing moves."""
    return store_budget.decide(store, change_id, BudgetState.REJECTED,
                               doc_no=_text(doc_no, "doc_no"), day=date or dt.date.today(),
                               note=_text(reason, "reason"), source=source)


def _label(ln: BudgetLine, lang: str | None = None) -> str:
    if ln.field == TOTAL:
        return t("field.total_investment", lang=lang)
    return t("budget.plan_year", lang=lang, year=ln.year)


def _shown(value: Decimal | None) -> str:
    return "—" if value is None else format_wan(value)


# --- reading ------------------------------------------------------------------------------
def changes(store: Store, *, pending: bool = False,
            project_ids: Iterable[int] | None = None) -> list[BudgetChange]:
    """Budget changes, oldest first (only the proposed ones with ``pending``)."""
    return store_budget.changes(store, project_ids=project_ids,
                                state=BudgetState.PROPOSED if pending else None)


def pending(store: Store, project_ids: Iterable[int] | None = None) -> PendingSummary:
    """The pending changes (of ``project_ids``, default every project) summed: for the weekly
    report and the project view ("待批调整 3 项, +1,250 万元")."""
    return pending_summary(changes(store, pending=True, project_ids=project_ids))


def pending_by_project(store: Store) -> dict[int, list[BudgetChange]]:
    out: dict[int, list[BudgetChange]] = defaultdict(list)
    for c in changes(store, pending=True):
        out[c.project_id].append(c)
    return out


def signed(value: Decimal) -> str:
    """An amount with its sign: +1,250.00, −300.00, 0.00."""
    text = format_wan(abs(value))
    return ("+" if value > 0 else "−" if value < 0 else "") + text


def pending_text(summary: PendingSummary, lang: str | None = None) -> str:
    """“待批调整 3 项, +1,250.00 万元” (“无待批调整” when there are none)."""
    if not summary.count:
        return t("budget.pending_none", lang=lang)
    return t("budget.pending", lang=lang, n=summary.count, amount=signed(summary.amount))


def line_text(ln: BudgetLine, lang: str | None = None) -> str:
    """“总投资 36,000.00 → 37,250.00 (+1,250.00)”."""
    return f"{_label(ln, lang)} {_shown(ln.old)} → {_shown(ln.new)} ({signed(ln.delta)})"


def change_text(c: BudgetChange, lang: str | None = None) -> str:
    """One change on one line: id, state, project, its lines, 文号 and date, who, source."""
    lang = lang or current_lang()
    sep = "; " if lang == "en" else ";"
    lines = sep.join(line_text(ln, lang) for ln in c.lines)
    if c.is_move:
        lines = t("budget.move", lang=lang) + " " + lines
    decided = ""
    if not c.pending:
        decided = " " + t("budget.decided", lang=lang, doc=c.doc_no or "—",
                          on=c.decided_on.isoformat() if c.decided_on else "—",
                          by=c.decided_by or "—")
    why = f"  {t('field.reason', lang=lang)}: {c.reason}" if c.reason else ""
    note = f"  {c.decision_note}" if c.decision_note else ""
    return (f"#{c.id} {term(c.state, lang)}  {c.project} (#{c.project_id})  {lines}{decided}  "
            f"[{c.source}, {c.proposed_by}]{why}{note}")


def change_json(c: BudgetChange) -> dict[str, object]:
    """A change as the JSON export carries it (no timestamps: the same database at the same
    as-of date always exports the same text; ``decided_on`` is the approval's own date)."""
    from projtrack.core.money import to_plain

    def money(v: Decimal | None) -> str | None:
        return None if v is None else to_plain(v) or "0"

    return {"id": c.id, "state": c.state, "reason": c.reason, "source": c.source,
            "proposed_by": c.proposed_by, "doc_no": c.doc_no, "decided_on": c.decided_on.isoformat() if c.decided_on else None,
            "decided_by": c.decided_by, "amount": money(c.amount),
            "lines": [{"field": ln.field, "year": ln.year, "old": money(ln.old),
                       "new": money(ln.new), "delta": money(ln.delta)} for ln in c.lines]}
