"""Import an annex: read → plan → (unless dry run) apply; and say what happened.

projtrack's own workbooks are known first (``importer.own``): a progress template or return and
a weekly report are refused with the command that takes them; a portfolio export is read as the
annex its sheet 项目 is, keeping each project's phase and status, and without the warnings its
own layout would cause (its sheet of figures is no annex; its 计划投资合计 is the annex's figure
while its year columns hold the current, perhaps revised, plans).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from decimal import Decimal
from pathlib import Path

from projtrack import marks
from projtrack.core.money import to_plain
from projtrack.errors import BadUsage
from projtrack.i18n import catalog, current_lang, t
from projtrack.importer.apply import apply_import, file_sha256, plan_import
from projtrack.importer.model import ReadOptions
from projtrack.importer.plan import ImportPlan
from projtrack.services.county_choice import check_county, choose_county, export_county
from projtrack.store.repo import Store

_REFUSED = {marks.PROGRESS_TEMPLATE: "own_progress_template", marks.WEEKLY_REPORT: "own_weekly_report"}
_REFUSAL_TEXT = {
    marks.PROGRESS_TEMPLATE: "{file} is projtrack's progress fill-in sheet (a template sent out, "
                             "or one returned filled in), not an annex; import it with {command}.",
    marks.WEEKLY_REPORT: "{file} is a weekly report printed by projtrack, not an annex: it "
                         "cannot be imported; import the annex workbook itself.",
}
# what an export's own layout makes the annex reader say: (code, sheet)
_EXPORT_LAYOUT = {("no_header", marks.EXPORT_FIGURES_SHEET), ("plan_mismatch", marks.EXPORT_ANNEX_SHEET)}


def import_annex(store: Store, path: Path, *, dry_run: bool = False,
                 keep_missing: bool = False, column_map: str | None = None,
                 unit: str | None = None, land_unit: str | None = None,
                 confirmed: bool = False, county: str | None = None) -> ImportPlan:
    """Read and import an annex workbook.  With errors or ``dry_run`` nothing is written; nor
    when the import blanks fields or withdraws many projects and ``confirmed`` is false (the
    plan comes back ``held``).

    ``column_map`` ("E=annex_class,K=none") overrides what columns mean; a map that applied is
    remembered for workbooks with the same header and used for them next time (the summary
    says so) unless another map is given.  ``unit`` (万元, 亿元, 元) and ``land_unit`` (亩,
    平方米, 公顷) replace the units the sheets declare.  Raises BadUsage for a map or unit that
    cannot be read.

    The county (区县) the annex is for (``services.county_choice``): ``county`` (--county),
    else the one its title rows, sheet names or file name name, else the database's ``county``
    setting, else the database's one county; a city table's county sections put each project
    into its own.  None of them: refused (an error naming the file), nothing written."""
    from projtrack.importer import read_annex
    from projtrack.importer.own import export_states, recognise

    path = Path(path)
    options = _options(column_map, unit, land_unit)
    if county is not None:
        county = check_county(county)
    try:
        sha = file_sha256(path)
    except OSError:
        sha = ""
    own = recognise(path)
    if own is not None and own.kind in _REFUSED:
        return ImportPlan(file=path.name, sha256=sha, issues=[_refusal(path, own.kind)])
    parsed = read_annex(path, options)
    remembered: list[tuple[str, str, str]] = []
    if not column_map and not parsed.errors:
        saved = _saved_maps(store, parsed)
        if saved:
            overrides = tuple(o for _sheet, text, _info in saved for o in _sheet_overrides(
                text, _sheet))
            parsed = read_annex(path, ReadOptions(overrides, options.money_unit,
                                                  options.land_unit))
            remembered = saved
    parsed.issues.extend(_unstorable(parsed))
    choice = None
    if not parsed.errors:
        choice = choose_county(store, parsed, path, county)
        if own is not None and own.kind == marks.PORTFOLIO_EXPORT:
            choice = export_county(store, parsed, choice)
        parsed.issues.extend(choice.issues)
    if parsed.errors or choice is None:  # nothing can be written; a diff against a half-read file would only
        # mislead (a file that cannot be read at all would list every project as withdrawn)
        plan = ImportPlan(file=parsed.file, sha256=sha, issues=list(parsed.issues))
    else:
        carried = None
        if own is not None and own.kind == marks.PORTFOLIO_EXPORT:
            parsed.issues[:] = [i for i in parsed.issues if (i.code, i.sheet) not in _EXPORT_LAYOUT]
            carried = export_states(path)
        parsed = choice.apply(parsed)
        if dry_run:
            plan = plan_import(store, parsed, sha, keep_missing=keep_missing, carried=carried,
                               counties=choice.counties, unnamed_to=choice.unnamed_to)
        else:
            plan = apply_import(store, parsed, sha, keep_missing=keep_missing, carried=carried,
                                confirmed=confirmed, counties=choice.counties,
                                unnamed_to=choice.unnamed_to)
            if column_map and not plan.held:
                _remember(store, parsed, options)
        plan.counties, plan.county_source = choice.counties, choice.source
        plan.county_where, plan.left_out = choice.where, choice.left_out
    plan.maps = parsed.maps
    plan.remembered = remembered
    return plan


def _refusal(path: Path, kind: str):
    from projtrack.importer.model import ERROR, Issue

    command = f"projtrack progress import {path}"
    return Issue(level=ERROR, file=path.name, sheet=None, cell=None, code=_REFUSED[kind],
                 message=_REFUSAL_TEXT[kind].format(file=path.name, command=command), found=kind,
                 expected=command)


_UNITS = ("万元", "亿元", "元")
_LAND_UNITS = ("亩", "平方米", "公顷")
_MAP_KEY = "import.map."


def _options(column_map: str | None, unit: str | None, land_unit: str | None) -> ReadOptions:
    from projtrack.importer.columns import MapError, parse_map

    if unit is not None and unit not in _UNITS:
        raise BadUsage("err.bad_unit", found=unit, expected=", ".join(_UNITS))
    if land_unit is not None and land_unit not in _LAND_UNITS:
        raise BadUsage("err.bad_unit", found=land_unit, expected=", ".join(_LAND_UNITS))
    try:
        overrides = tuple(parse_map(column_map)) if column_map else ()
    except MapError as exc:
        raise BadUsage(f"err.{exc.code}", found=exc.found, expected=exc.expected) from exc
    return ReadOptions(overrides, unit, land_unit)


def _map_key(signature: str) -> str:
    return _MAP_KEY + hashlib.sha256(signature.encode("utf-8")).hexdigest()[:24]


def _sheet_overrides(text: str, sheet: str) -> list:
    from projtrack.importer.columns import Override, parse_map

    return [Override(sheet, o.letter, o.field, o.year) for o in parse_map(text)]


def _saved_maps(store: Store, parsed) -> list[tuple[str, str, str]]:
    """(sheet, map, where it was made) for each sheet whose header has a remembered map."""
    found = []
    for m in parsed.maps:
        saved = store.setting(_map_key(m.signature))
        if isinstance(saved, dict) and saved.get("map"):
            found.append((m.sheet, str(saved["map"]), f"{saved.get('file', '')} {saved.get('date', '')}".strip()))
    return found


def _remember(store: Store, parsed, options: ReadOptions) -> None:
    """Keep the map that applied to each sheet, under that sheet's header."""
    import datetime as dt

    from projtrack.importer.columns import Override, format_map

    for m in parsed.maps:
        own = [Override(None, o.letter, o.field, o.year) for o in options.overrides
               if o.sheet in (None, m.sheet)]
        if own:
            store.set_setting(_map_key(m.signature), {
                "map": format_map(own), "file": parsed.file,
                "date": dt.date.today().isoformat()})


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


def in_order(issues: list) -> list:
    """Issues as the sheet reads: by sheet (in the order first met), then row, then column."""
    import re

    sheets: dict[str | None, int] = {}
    for i in issues:
        sheets.setdefault(i.sheet, len(sheets))

    def key(i) -> tuple:
        m = re.fullmatch(r"([A-Z]{1,3})(\d+)", i.cell or "")
        if not m:
            return sheets[i.sheet], 0, 0
        col = 0
        for ch in m[1]:
            col = col * 26 + ord(ch) - 64
        return sheets[i.sheet], int(m[2]), col

    return sorted(issues, key=key)


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
    if isinstance(value, Decimal):
        return to_plain(value) or "0"
    return str(value)


def summary_text(plan: ImportPlan, *, dry_run: bool) -> str:
    from .column_map import attention, full_map

    remembered = [t("import.remembered", sheet=sheet, map=text, info=info)
                  for sheet, text, info in plan.remembered]
    if plan.errors:  # one line per error (and one line in all when there is just one)
        errors = [f"{t('import.error')} {issue_text(i)}" for i in in_order(plan.errors)]
        shown = remembered + (full_map(plan.maps) if dry_run else [])
        if len(errors) == 1 and not shown:
            return errors[0] + t("import.nothing_written_short")
        return "\n".join(shown + errors + [t("import.nothing_written_errors")])
    lines: list[str] = list(remembered)
    if dry_run:  # the column map first, then the diff
        lines.extend(full_map(plan.maps))
    head = "import.dry_run_head" if dry_run else "import.head"
    lines.append(t(head, file=plan.file))
    lines.extend(county_lines(plan))
    lines.append(t("import.counts", added=len(plan.added), changed=len(plan.changed),
                   unchanged=len(plan.unchanged), withdrawn=len(plan.withdrawn),
                   warnings=len(plan.warnings), errors=len(plan.errors)))
    if len(plan.counties) > 1:
        for county, n in plan.by_county().items():
            lines.append(t("import.county_line", county=county or "—", added=n["added"],
                           changed=n["changed"], unchanged=n["unchanged"],
                           withdrawn=n["withdrawn"]))
    if not dry_run:
        lines.extend(attention(plan.maps))
    elif any(m.not_read for m in plan.maps):
        lines.append(t("import.unread_count", n=sum(len(m.not_read) for m in plan.maps)))
    for f in plan.added:
        lines.append(f"  + {f.name}")
    for c in plan.changed:
        lines.append(f"  ~ {changed_head(c)}"
                     + (f"  ({t('import.reactivated')})" if c.reactivated else ""))
        for fc in c.changes:
            if fc.field == "name" and c.new_name is not None:
                continue  # said in the head line
            lines.append(f"      {t('field.' + fc.field.split('.')[0])}"
                         f"{'.' + fc.field.split('.', 1)[1] if '.' in fc.field else ''}: "
                         f"{_show(fc.old)} → {_show(fc.new)}")
    for _pid, name in plan.withdrawn:
        lines.append(f"  - {name}  ({t('import.withdrawn')})")
    for issue in in_order(plan.errors):
        lines.append(f"  {t('import.error')} {issue_text(issue)}")
    for issue in in_order(plan.warnings):
        lines.append(f"  {t('import.warning')} {issue_text(issue)}")
    if plan.budget_changes:
        lines.append(t("import.budget_changes", n=plan.budget_changes, file=plan.file))
    if plan.baseline:
        lines.append(t("import.baseline_set", name=plan.baseline, file=plan.file))
    if dry_run or plan.held:  # (after --yes the diff above says what was blanked)
        guard = guard_lines(plan)
        lines += guard
        if guard and dry_run:
            lines.append(t("import.guard_dry"))
    if plan.errors:
        lines.append(t("import.nothing_written_errors"))
    elif plan.held:
        lines.append(t("import.guard_held"))
    elif dry_run:
        lines.append(t("import.nothing_written_dry"))
    elif not plan.has_changes:
        lines.append(t("import.nothing_changed"))
    return "\n".join(lines)


def county_lines(plan: ImportPlan, lang: str | None = None) -> list[str]:
    """The county the import is for and where that came from; the projects it gave a county,
    the setting it set, the other counties' projects it left out."""
    if not plan.counties:
        return []
    source = t(f"import.county_from.{plan.county_source}", lang=lang, where=plan.county_where)
    lines = [t("import.county", lang=lang, county="、".join(plan.counties), source=source)]
    if plan.assigned:
        lines.append(t("import.county_assigned", lang=lang, n=plan.assigned,
                       county=plan.counties[0]))
    if plan.county_setting:
        lines.append(t("import.county_setting", lang=lang, county=plan.county_setting))
    if plan.left_out:
        lines.append(t("import.county_left_out", lang=lang, counties="、".join(
            f"{c or '—'} {n}" for c, n in plan.left_out.items())))
    if plan.unnamed:
        lines.append(t("import.county_unnamed", lang=lang, n=plan.unnamed))
    return lines


def changed_head(change, lang: str | None = None) -> str:
    """A changed project's line: its name, or "改名 old → new" for a rename."""
    if change.new_name is None:
        return change.name
    return t("import.renamed", lang=lang, old=change.name, new=change.new_name)


def guard_lines(plan: ImportPlan, lang: str | None = None) -> list[str]:
    """What makes the import need a confirmation: the fields an earlier annex filled that it
    blanks, a large share of the projects withdrawn (none when it needs none)."""
    if not plan.needs_confirmation or not plan.has_changes:
        return []
    lines = []
    if plan.blanked:
        per_field = Counter(b.field.split(".")[0] for b in plan.blanked)
        sep = ", " if (lang or current_lang()) == "en" else "、"
        fields = sep.join(f"{t('field.' + f, lang=lang)} {n}" for f, n in per_field.most_common())
        lines.append(t("import.guard_blanks", lang=lang, n=len(plan.blanked),
                       projects=len({b.project_id for b in plan.blanked}), fields=fields))
    if plan.withdraws_many:
        share = (Decimal(100) * len(plan.withdrawn) / max(plan.active_before, 1)).quantize(Decimal(1))
        lines.append(t("import.guard_withdraws", lang=lang, n=len(plan.withdrawn),
                       active=plan.active_before, share=share))
    return lines


def _issue_json(issue) -> dict[str, object]:
    return {"level": issue.level, "code": issue.code, "file": issue.file, "sheet": issue.sheet,
            "cell": issue.cell, "found": issue.found, "expected": issue.expected,
            "message": issue_text(issue)}


def summary_json(plan: ImportPlan, *, dry_run: bool) -> dict[str, object]:
    from .column_map import maps_json

    return {
        "file": plan.file,
        "dry_run": dry_run,
        "written": not dry_run and not plan.errors and not plan.held and plan.has_changes,
        "held": plan.held,
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
        "renamed": [{"id": c.project_id, "old": c.name, "new": c.new_name} for c in plan.renamed],
        "needs_confirmation": plan.needs_confirmation and plan.has_changes,
        "blanked": [{"id": b.project_id, "name": b.name, "field": b.field,
                     "old": _json_value(b.old)} for b in plan.blanked],
        "withdraws_many": plan.withdraws_many,
        "active_before": plan.active_before,
        "warnings": [_issue_json(i) for i in plan.warnings],
        "errors": [_issue_json(i) for i in plan.errors],
        "sheets": maps_json(plan.maps),
        "remembered_maps": [{"sheet": sheet, "map": text, "from": info}
                            for sheet, text, info in plan.remembered],
        "baseline_set": plan.baseline,
        "budget_changes": plan.budget_changes,
        "county": {"counties": list(plan.counties), "from": plan.county_source,
                   "where": plan.county_where, "assigned": plan.assigned,
                   "setting_set": plan.county_setting, "left_out": plan.left_out,
                   "unnamed": plan.unnamed, "by_county": plan.by_county()},
    }


def _json_value(value: object) -> object:
    if isinstance(value, Decimal):
        return to_plain(value)
    return value
