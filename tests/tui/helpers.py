"""Small helpers for driving the app in tests."""

from __future__ import annotations


async def settle(pilot, rounds: int = 3) -> None:
    """Let workers finish and their messages land (a few rounds: a worker's result may start
    another worker)."""
    for _ in range(rounds):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def press(pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot, 1)
    await settle(pilot)


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch)
    await settle(pilot)


def screen_text(app) -> str:
    """What the terminal shows, as plain text (one line per row)."""
    return "\n".join("".join(seg.text for seg in strip)
                     for strip in app.screen._compositor.render_strips())


async def go_to_project(pilot, project_id: int) -> None:
    """Put the portfolio cursor on a project and open it."""
    table = pilot.app.screen.query_one("#table")
    table.move_cursor(row=table.get_row_index(str(project_id)))
    await press(pilot, "enter")


async def palette(pilot, text: str) -> None:
    """Open the command palette, type ``text`` and run the first command it offers."""
    await press(pilot, "ctrl+p")
    await type_text(pilot, text)
    await press(pilot, "enter")


BIG, SMALL = (120, 40), (80, 24)  # the terminal sizes the snapshots are taken at


def keys(*names: str, tab: str | None = None):
    """A snapshot's ``run_before``: settle, press ``names``, then show the tab ``tab``."""
    async def run(pilot) -> None:
        await settle(pilot)
        await press(pilot, *names)
        if tab:
            pilot.app.screen.query_one("#tabs").active = tab
            await settle(pilot)
    return run
