"""What an import read from each column, said to the officer: the whole map (``--dry-run``, the
TUI preview) or what needs a look (every import): columns not read, columns whose values
decided their meaning, fields the annex has no column for, and each sheet's money unit.

The column map's words (fields, overrides, ``--map`` text) are the importer's; they are named
here (``FIELD_NAMES`` … ``SheetMap``) for the terminal UI's map editor."""

from __future__ import annotations

from typing import Any

from projtrack.i18n import t, term
from projtrack.importer.columns import FIELD_NAMES as FIELD_NAMES
from projtrack.importer.columns import PUBLIC_NAME as PUBLIC_NAME
from projtrack.importer.columns import Override as Override
from projtrack.importer.columns import format_map as format_map
from projtrack.importer.columns import parse_map as parse_map
from projtrack.importer.model import ColumnUse as ColumnUse
from projtrack.importer.model import MissingField
from projtrack.importer.model import SheetMap as SheetMap


def field_name(fld: str | None, year: int | None = None) -> str:
    """A field of the importer in the display language (总投资, 2023年计划投资 …)."""
    if fld is None:
        return ""
    if fld == "year":
        return t("field.plan_year", year=year)
    if fld in ("seq", "years", "duration"):
        return t(f"field.{fld}")
    return t(f"field.{PUBLIC_NAME.get(fld, fld)}")


def _sample(c: ColumnUse) -> str:
    return t("import.sample", values=", ".join(c.sample)) if c.sample else ""


def _how(c: ColumnUse) -> str:
    if c.how == "map":
        return t("import.how_map")
    if c.how == "values":
        words = "、".join(c.sample)
        if c.was:
            return t("import.how_values", words=words, was=field_name(c.was))
        return t("import.how_values_bare", words=words)
    return ""


def _unit(m: SheetMap) -> str:
    if m.money_unit_from == "--unit":
        where = t("import.unit_given")
    elif m.money_unit_from:
        where = t("import.unit_from", src=m.money_unit_from)
    else:
        where = t("import.unit_assumed")
    return t("import.unit_line", unit=m.money_unit, where=where)


def _header(c: ColumnUse) -> str:
    return c.header.replace("\n", "") or "—"


def full_map(maps: list[SheetMap]) -> list[str]:
    """Every column of every sheet: the field it fed and how that was decided, or why not."""
    lines: list[str] = []
    for m in maps:
        lines.append(t("import.map_head", sheet=m.sheet, first=m.header_rows[0],
                       last=m.header_rows[1]))
        lines.append(_unit(m))
        for c in m.columns:
            if c.how == "empty":
                continue
            if c.field is None:
                lines.append(t("import.col_not_read", letter=c.letter, header=_header(c),
                               why=t(f"import.why_{c.how}"), sample=_sample(c)))
                continue
            fld = field_name(c.field, c.year)
            if c.source:
                fld += f":{term(c.source)}"
            if c.also:
                fld += t("import.col_also", field=field_name(c.also))
            if c.unit and c.field not in ("land",):
                fld += t("import.col_unit", unit=c.unit)
            lines.append(t("import.col_read", letter=c.letter, header=_header(c),
                           field=fld + _how(c)))
        lines.extend(_missing(m, derived=True))
    return lines


def attention(maps: list[SheetMap]) -> list[str]:
    """What every import says: the units, columns not read, columns read by their values,
    fields missing for some projects."""
    lines: list[str] = []
    for m in maps:
        lines.append(f"{m.sheet}:" + _unit(m).strip())
    unread = [(m.sheet, c) for m in maps for c in m.not_read]
    if unread:
        lines.append(t("import.not_read_head"))
        for sheet, c in unread:
            lines.append(t("import.not_read", sheet=sheet, letter=c.letter, header=_header(c),
                           why=t(f"import.why_{c.how}"), sample=_sample(c)))
    decided = [(m.sheet, c) for m in maps for c in m.columns if c.how == "values"]
    if decided:
        lines.append(t("import.by_values_head"))
        for sheet, c in decided:
            fld = field_name(c.field, c.year)
            if c.also:
                fld += t("import.col_also", field=field_name(c.also))
            lines.append(t("import.by_values", sheet=sheet, letter=c.letter, header=_header(c),
                           field=fld, words="、".join(c.sample)))
    missing = [line for m in maps for line in _missing(m, derived=False)]
    if missing:
        lines.append(t("import.missing_head"))
        lines.extend(missing)
    return lines


def _source(s: str | None) -> str:
    if not s:
        return ""
    kind, _, value = s.partition(": ")
    if kind in ("sheet", "title", "file"):
        return t(f"import.source_{kind}", value=value)
    return t(f"import.source_{kind}")


def _missing(m: SheetMap, *, derived: bool) -> list[str]:
    out = []
    for f in m.missing:
        if not derived and not f.unknown:
            continue
        out.append(_missing_line(m.sheet, f))
    return out


def _missing_line(sheet: str, f: MissingField) -> str:
    name = field_name(f.field)
    if f.unknown and f.derived and f.source:
        return t("import.missing_both", sheet=sheet, field=name, derived=f.derived,
                 source=_source(f.source), unknown=f.unknown)
    if f.unknown:
        return t("import.missing", sheet=sheet, field=name, unknown=f.unknown)
    return t("import.missing_derived", sheet=sheet, field=name, derived=f.derived,
             source=_source(f.source))


def maps_json(maps: list[SheetMap]) -> list[dict[str, Any]]:
    out = []
    for m in maps:
        out.append({
            "sheet": m.sheet, "header_rows": list(m.header_rows), "money_unit": m.money_unit,
            "money_unit_from": m.money_unit_from,
            "columns": [{"column": c.letter, "header": c.header,
                         "field": (f"plan_{c.year}" if c.field == "year" else
                                   PUBLIC_NAME.get(c.field, c.field)) if c.field else None,
                         "also": PUBLIC_NAME.get(c.also, c.also) if c.also else None,
                         "source": c.source,
                         "how": c.how, "header_field": PUBLIC_NAME.get(c.was, c.was)
                         if c.was else None, "unit": c.unit, "sample": list(c.sample)}
                        for c in m.columns if c.how != "empty"],
            "missing": [{"field": PUBLIC_NAME.get(f.field, f.field), "unknown": f.unknown,
                         "projects": f.projects, "source": f.source, "derived": f.derived}
                        for f in m.missing],
        })
    return out
