"""Settings officers change: the plan's targets (the 目标 view), and the county's name the
weekly report and the fill-in sheet print.  Kept in the database as data (``setting``), each
change audited by the store."""

from __future__ import annotations

from projtrack.core.targets import PUBLISHED_TARGETS
from projtrack.errors import Conflict
from projtrack.store.repo import Store

TARGETS = "targets"
COUNTY = "county"
CITY = "city"


def county_name(store: Store) -> str | None:
    """The county's name as set (``county``), or None when none is."""
    value = store.setting(COUNTY)
    return value.strip() if isinstance(value, str) and value.strip() else None


def city_name(store: Store) -> str | None:
    """The city's name as set (``city``: what a city's consolidated report's title names, 温州市
    教育基建项目周报), or None when none is (the title then says 全市)."""
    value = store.setting(CITY)
    return value.strip() if isinstance(value, str) and value.strip() else None


def stored_targets(store: Store) -> dict[str, object]:
    """The targets the bureau saved (empty: the plan's published ones apply)."""
    stored = store.setting(TARGETS)
    return stored if isinstance(stored, dict) else {}


def set_target(store: Store, key: str, value: int, *, read: dict[str, object]) -> None:
    """Set the target ``key`` to ``value``, over what the view read (``read``): refused with
    Conflict when the targets changed since then, so no one's change is overwritten."""
    stored = stored_targets(store)
    if stored != read:
        raise Conflict("err.conflict", other=TARGETS)
    new: dict[str, object] = dict(PUBLISHED_TARGETS) | stored
    new[key] = value
    store.set_setting(TARGETS, new)
