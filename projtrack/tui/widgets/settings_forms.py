"""Forms that are not about one project: the as-of date, and a plan target."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from projtrack.core.targets import PUBLISHED_TARGETS
from projtrack.services import settings
from projtrack.services.database import Store
from projtrack.tui.widgets import fields as P
from projtrack.tui.widgets.forms import Field, FormScreen, need


class AsOfForm(FormScreen[dt.date]):
    """Pick the as-of date; every figure is recomputed for it.  Returns the ISO date."""

    TITLE_KEY = "form.as_of_title"

    def __init__(self, as_of: dt.date) -> None:
        super().__init__()
        self.as_of = as_of

    def build_fields(self) -> list[Field]:
        return [Field("date", self.tr("form.as_of"), self.as_of.isoformat(),
                      parse=P.date(self.tr, field="as_of"), hint=self.tr("form.date_hint"))]

    def collect(self, values: Mapping[str, object]) -> dt.date:
        return need(values["date"], dt.date)

    def submit(self, values: dt.date) -> str:
        return values.isoformat()


class TargetForm(FormScreen[int]):
    """Change one target value.  Saved in the ``targets`` setting; refused when the setting
    changed since the view read it."""

    TITLE_KEY = "form.target_title"

    def __init__(self, store: Store, key: str, label: str, read: dict[str, object]) -> None:
        super().__init__(subtitle=label)
        self.store, self.key, self.read = store, key, read

    def build_fields(self) -> list[Field]:
        current = self.read.get(self.key, PUBLISHED_TARGETS.get(self.key))
        return [Field("value", self.tr("form.target_value"), str(current or ""),
                      parse=P.whole(self.tr))]

    def collect(self, values: Mapping[str, object]) -> int:
        return need(values["value"], int)

    def submit(self, values: int) -> str:
        value = values
        settings.set_target(self.store, self.key, value, read=self.read)
        return self.tr("msg.target_set", value=f"{value:,}")
