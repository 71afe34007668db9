"""The history of annex imports (``projtrack import list``) and undoing the latest one
(``projtrack import undo``): what it will do, said before it is done, then done in one
transaction by the store (``store.history``)."""

from __future__ import annotations

from projtrack.core.money import format_wan, to_plain
from projtrack.i18n import catalog, t
from projtrack.store.history import ImportRecord, UndoPlan, import_runs, undo_import
from projtrack.store.repo import Store

LISTED = 8  # names shown per line before "…"
EDITS_LISTED = 20  # later edits listed one per line


def list_imports(store: Store, limit: int | None = None) -> list[ImportRecord]:
    return import_runs(store, limit)


def preview_undo(store: Store, run_id: int | None = None, county: str | None = None) -> UndoPlan:
    """What undoing the import (default: the latest not undone, of ``county`` when given)
    would do; writes nothing."""
    return undo_import(store, run_id, apply=False, county=county)


def undo(store: Store, run_id: int) -> UndoPlan:
    """Undo the import ``run_id`` in one transaction (checked again inside it)."""
    return undo_import(store, run_id, apply=True)


def _when(value) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value is not None else ""


def history_line(r: ImportRecord, lang: str | None = None) -> str:
    state = ""
    if r.undone_at is not None:
        state = t("history.undone", lang=lang, at=_when(r.undone_at), by=r.undone_by or "")
    elif not r.undoable:
        state = t("history.not_undoable", lang=lang)
    where = f"[{'、'.join(r.counties)}] " if r.counties else ""
    return (f"#{r.id:<4} {_when(r.at)}  {r.user:<10} {where}{r.file}  "
            f"+{r.added} ~{r.changed} -{r.withdrawn}  {state}").rstrip()


def _names(items: list[tuple], lang: str | None) -> str:
    names = [item[1] for item in items]
    shown = "、".join(names[:LISTED])
    return shown + (t("history.and_more", lang=lang, n=len(names) - LISTED) if len(names) > LISTED else "")


def undo_lines(plan: UndoPlan, lang: str | None = None, *,
               since: UndoPlan | None = None) -> list[str]:
    """What the undo does (``plan.done``) or will do, line by line; only its head line when it
    did just what ``since`` (the preview shown before the confirmation) said."""
    r = plan.run
    lines = [t("undo.done_head" if plan.done else "undo.head", lang=lang, id=r.id, file=r.file,
               at=_when(r.at), user=r.user)]
    if since is not None and _same(plan, since):
        return lines
    if plan.removed:
        lines.append("  " + t("undo.removed", lang=lang, n=len(plan.removed),
                              names=_names(plan.removed, lang)))
    if plan.kept:
        lines.append("  " + t("undo.kept", lang=lang, n=len(plan.kept),
                              names=_names(plan.kept, lang)))
        for e in plan.entries:
            if e.table == "ledger_entry":
                what = f"{e.what} {format_wan(e.amount)}"
            else:
                percent = "" if e.amount is None else f" {to_plain(e.amount * 100)}%"
                what = t("undo.progress_entry", lang=lang, stage=e.what or "—") + percent
            lines.append(f"    #{e.id} {e.date.isoformat()}  {e.name}  {what}")
    renamed = [(pid, now, was) for pid, now, was in plan.restored if now != was]
    if plan.restored:
        lines.append("  " + t("undo.restored", lang=lang, n=len(plan.restored),
                              names=_names(plan.restored, lang)))
    for _pid, now, was in renamed:
        lines.append("    " + t("undo.renamed_back", lang=lang, now=now, was=was))
    if plan.budget_changes:
        lines.append("  " + t("undo.budget_changes", lang=lang, n=plan.budget_changes))
    if plan.baselines:
        lines.append("  " + t("undo.baselines", lang=lang, names="、".join(plan.baselines)))
    if plan.edited:
        lines.append("  " + t("undo.edited", lang=lang, n=len(plan.edited)))
        for _pid, name, fld in plan.edited[:EDITS_LISTED]:
            lines.append(f"    {name}  {_field(fld, lang)}")
        if len(plan.edited) > EDITS_LISTED:
            lines.append("    " + t("history.and_more", lang=lang, n=len(plan.edited) - EDITS_LISTED).strip())
    if not (plan.removed or plan.kept or plan.restored):
        lines.append("  " + t("undo.nothing_to_put_back", lang=lang))
    return lines


def _same(a: UndoPlan, b: UndoPlan) -> bool:
    return (a.removed, a.kept, a.entries, a.restored, a.edited) == (
        b.removed, b.kept, b.entries, b.restored, b.edited)


def _field(fld: str, lang: str | None) -> str:
    head, _, rest = fld.partition(".")
    key = f"field.{head}"
    if key in catalog("en"):
        return t(key, lang=lang) + (f" {rest}" if rest else "")
    return fld
