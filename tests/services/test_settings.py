"""The targets officers set in the 目标 view: saved over what the view read, refused when
someone changed them meanwhile."""

from __future__ import annotations

import pytest

from projtrack.core.targets import PUBLISHED_TARGETS
from projtrack.errors import Conflict
from projtrack.services import settings


def test_a_target_is_saved_over_the_published_ones(store):
    assert settings.stored_targets(store) == {}
    settings.set_target(store, "projects", 90, read={})
    assert settings.stored_targets(store) == {**PUBLISHED_TARGETS, "projects": 90}
    assert store.audit(limit=1)[0].field == "targets"


def test_a_stale_read_is_refused_and_nothing_is_overwritten(store):
    settings.set_target(store, "projects", 90, read={})
    with pytest.raises(Conflict):
        settings.set_target(store, "projects", 95, read={})  # read before the first save
    assert settings.stored_targets(store)["projects"] == 90


def test_county_name_is_trimmed_and_blank_is_none(store):
    assert settings.county_name(store) is None
    store.set_setting("county", "  平阳县 ")
    assert settings.county_name(store) == "平阳县"
    store.set_setting("county", "   ")
    assert settings.county_name(store) is None
