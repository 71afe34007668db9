"""The counties (区县) of a database: ``projtrack county list`` (each with its projects, active
and withdrawn) and ``projtrack county set NAME`` (the projects without a county yet are given
it, and it becomes the database's ``county`` setting — one transaction, each change audited)."""

from __future__ import annotations

from projtrack.i18n import t
from projtrack.services.county_choice import check_county
from projtrack.services.settings import county_name
from projtrack.store.counties import CountyCount, county_counts, name_county
from projtrack.store.repo import Store


def list_counties(store: Store) -> list[CountyCount]:
    """Every county with its projects ('' — not yet named — first when some have none)."""
    return county_counts(store)


def county_lines(store: Store, lang: str | None = None) -> list[str]:
    counts = list_counties(store)
    if not counts:
        return [t("county.none", lang=lang)]
    setting = county_name(store)
    lines = []
    for c in counts:
        name = c.county or t("county.unnamed", lang=lang)
        mark = " *" if setting and c.county == setting else ""
        lines.append(t("county.line", lang=lang, county=name, n=c.projects, active=c.active,
                       withdrawn=c.withdrawn) + mark)
    if setting:
        lines.append(t("county.setting", lang=lang, county=setting))
    return lines


def set_county(store: Store, name: str) -> tuple[str, int, bool]:
    """Name the database's county ``name``: (the name, projects given it, setting changed).
    BadUsage for a name that cannot be one; BadData when a project of ``name`` already bears
    the name of one being given it."""
    county = check_county(name)
    n, changed = name_county(store, county, context=f"county set {county}")
    return county, n, changed
