"""The project view's panel of the baseline and the budget changes: the current baseline's
values where they differ from the current ones (PV to date, 总投资, each year's plan, milestone
planned dates with the slip against the baseline date), then the project's pending and decided
budget changes.  A Rich renderable built on the UI thread from a loaded ProjectBaseline."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from projtrack.core.money import format_wan
from projtrack.i18n import t, term
from projtrack.services.baseline import ProjectBaseline
from projtrack.services.budget import change_text, pending_text, signed


def baseline_panel(pb: ProjectBaseline | None, lang: str) -> Group:
    parts: list[Text] = [Text(t("ui.baseline.title", lang=lang), style="bold underline")]
    if pb is None:
        return Group(*parts)
    info, c = pb.baseline, pb.comparison
    if info is None or c is None:
        parts.append(Text(t("ui.baseline.none", lang=lang), style="dim"))
    else:
        parts.append(Text(t("ui.baseline.current", lang=lang, name=info.name,
                            source=info.source), style="dim"))
        if not c.in_baseline:
            parts.append(Text("  " + t("baseline.not_in", lang=lang)))
        elif not c.differs and not c.pv_delta:
            parts.append(Text("  " + t("ui.baseline.same", lang=lang), style="dim"))
        else:
            if c.pv_delta:
                parts.append(Text("  " + t("baseline.pv", lang=lang,
                                           baseline=format_wan(c.pv_baseline),
                                           current=format_wan(c.pv_current),
                                           delta=signed(c.pv_delta))))
            if c.total_changed and c.total_delta is not None:
                parts.append(Text("  " + t("baseline.total", lang=lang,
                                           baseline=format_wan(c.total_baseline),
                                           current=format_wan(c.total_current),
                                           delta=signed(c.total_delta))))
            for pc in c.plan_changes:
                parts.append(Text("  " + t("baseline.plan", lang=lang, year=pc.year,
                                           baseline=format_wan(pc.baseline),
                                           current=format_wan(pc.current),
                                           delta=signed(pc.delta))))
            for m in c.moved_milestones:
                parts.append(Text("  " + t(
                    "baseline.milestone", lang=lang, name=term(m.name, lang),
                    baseline=m.baseline or "—", planned=m.planned or "—",
                    moved=f"{m.moved_days:+d}" if m.moved_days is not None else "—",
                    slip=m.slip_days if m.slip_days is not None else "—"), style="#ffa726"))
    parts.append(Text(""))
    style = "bold #ffa726" if pb.pending.count else "dim"
    parts.append(Text(pending_text(pb.pending, lang), style=style))
    for ch in reversed(pb.changes):  # newest first
        parts.append(Text("  " + change_text(ch, lang), style="" if ch.pending else "dim"))
    return Group(*parts)
