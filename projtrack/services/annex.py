"""Import an annex: read → plan → (unless dry run) apply; and say what happened."""

from __future__ import annotations

from pathlib import Path

from projtrack.core.money import to_plain
from projtrack.i18n import catalog, current_lang, t
from projtrack.importer.apply import apply_import, file_sha256, plan_import
from projtrack.importer.plan import ImportPlan
from projtrack.store.repo import Store


def import_annex(store: Store, path: Path, *, dry_run: bool = False,
                 keep_missing: bool = False) -> ImportPlan:
    """Read and import an annex workbook.  With errors or ``dry_run`` nothing is written."""
    from projtrack.importer import read_annex

    path = Path(path)
    parsed = read_annex(path)
    parsed.issues.extend(_unstorable(parsed))
    try:
        sha = file_sha256(path)
    except OSError:
        sha = ""
    if parsed.errors:  # nothing can be written; a diff against a half-read file would only
        # mislead (a file that cannot be read at all would list every project as withdrawn)
        return ImportPlan(file=parsed.file, sha256=sha, issues=list(parsed.issues))
    if dry_run:
        return plan_import(store, parsed, sha, keep_missing=keep_missing)
    return apply_import(store, parsed, sha, keep_missing=keep_missing)


def _unstorable(parsed) -> list:
    """Amounts the database cannot hold exactly (more than 6 decimals, or 10^12 万元 and more):
    errors naming the project, so that they are refused with a message instead of failing the
    write.  (The reader should report them at their cells; this is the last line of defence.)"""
    from projtrack.core.money import NumberFormatError, check_precision
    from projtrack.importer.model import ERROR, Issue
    from projtrack.importer.plan import DECIMAL_FIELDS

    issues = []
    for f in parsed.projects:
        values = [(name, getattr(f, name)) for name in sorted(DECIMAL_FIELDS)]
        values += [(f"plan.{y}", a) for y, a in sorted(f.annual_plan.items())]
        for name, value in values:
            if value is None:
                continue
            try:
                check_precision(value)
            except NumberFormatError as exc:
                row = f" row {f.source.row}" if f.source else ""
                issues.append(Issue(
                    level=ERROR, file=parsed.file, sheet=f.source.sheet if f.source else None,
                    cell=None, code="unstorable",
                    message=f"{f.name}{row}: {name} {value} cannot be stored: {exc.why}.",
                    found=f"{f.name} {name} {value}", expected=exc.why))
    return issues


def issue_text(issue, lang: str | None = None) -> str:
    """One issue in the display language: the catalog's wording for its code when there is
    one, else the importer's own sentence."""
    lang = lang or current_lang()
    key = f"issue.{issue.code}"
    where = issue.where if hasattr(issue, "where") else f"{issue.file} {issue.sheet}!{issue.cell}"
    if lang != "en" and key in catalog(lang):
        text = t(key, lang=lang, where=where, found=issue.found or "",
                 expected=issue.expected or "", message=issue.message)
    else:
        text = issue.message
    return " ".join(text.split())  # one line, whatever a parser put in its message


def _show(value: object) -> str:
    if value is None:
        return "∅"
    from decimal import Decimal

    if isinstance(value, Decimal):
        return to_plain(value) or "0"
    return str(value)


def summary_text(plan: ImportPlan, *, dry_run: bool) -> str:
    if plan.errors:  # one line per error (and one line in all when there is just one)
        errors = [f"{t('import.error')} {issue_text(i)}" for i in plan.errors]
        if len(errors) == 1:
            return errors[0] + t("import.nothing_written_short")
        return "\n".join(errors + [t("import.nothing_written_errors")])
    lines: list[str] = []
    head = "import.dry_run_head" if dry_run else "import.head"
    lines.append(t(head, file=plan.file))
    lines.append(t("import.counts", added=len(plan.added), changed=len(plan.changed),
                   unchanged=len(plan.unchanged), withdrawn=len(plan.withdrawn),
                   warnings=len(plan.warnings), errors=len(plan.errors)))
    for f in plan.added:
        lines.append(f"  + {f.name}")
    for c in plan.changed:
        lines.append(f"  ~ {c.name}" + (f"  ({t('import.reactivated')})" if c.reactivated else ""))
        for fc in c.changes:
            lines.append(f"      {t('field.' + fc.field.split('.')[0])}"
                         f"{'.' + fc.field.split('.', 1)[1] if '.' in fc.field else ''}: "
                         f"{_show(fc.old)} → {_show(fc.new)}")
    for _pid, name in plan.withdrawn:
        lines.append(f"  - {name}  ({t('import.withdrawn')})")
    for issue in plan.errors:
        lines.append(f"  {t('import.error')} {issue_text(issue)}")
    for issue in plan.warnings:
        lines.append(f"  {t('import.warning')} {issue_text(issue)}")
    if plan.errors:
        lines.append(t("import.nothing_written_errors"))
    elif dry_run:
        lines.append(t("import.nothing_written_dry"))
    elif not plan.has_changes:
        lines.append(t("import.nothing_changed"))
    return "\n".join(lines)


def _issue_json(issue) -> dict[str, object]:
    return {"level": issue.level, "code": issue.code, "file": issue.file, "sheet": issue.sheet,
            "cell": issue.cell, "found": issue.found, "expected": issue.expected,
            "message": issue_text(issue)}


def summary_json(plan: ImportPlan, *, dry_run: bool) -> dict[str, object]:
    return {
        "file": plan.file,
        "dry_run": dry_run,
        "written": not dry_run and not plan.errors and plan.has_changes,
        "counts": {"added": len(plan.added), "changed": len(plan.changed),
                   "unchanged": len(plan.unchanged), "withdrawn": len(plan.withdrawn),
                   "warnings": len(plan.warnings), "errors": len(plan.errors)},
        "added": [f.name for f in plan.added],
        "changed": [{"id": c.project_id, "name": c.name, "reactivated": c.reactivated,
                     "changes": [{"field": fc.field, "old": _json_value(fc.old),
                                  "new": _json_value(fc.new)} for fc in c.changes]}
                    for c in plan.changed],
        "unchanged": len(plan.unchanged),
        "withdrawn": [{"id": pid, "name": name} for pid, name in plan.withdrawn],
        "warnings": [_issue_json(i) for i in plan.warnings],
        "errors": [_issue_json(i) for i in plan.errors],
    }


def _json_value(value: object) -> object:
    from decimal import Decimal

    if isinstance(value, Decimal):
        return to_plain(value)
    return value
