"""Docs that cannot rot: every command of the CLI is in the README, and the README's two
set-up commands exist."""

from __future__ import annotations

from pathlib import Path

import typer.main

from projtrack.cli import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(group, prefix=""):
    for name, cmd in sorted(group.commands.items()):
        full = f"{prefix} {name}".strip()
        if hasattr(cmd, "commands"):
            yield from _commands(cmd, full)
        else:
            yield full


def test_every_command_is_in_the_readme():
    root = typer.main.get_command(app)
    missing = [c for c in _commands(root) if f"projtrack {c}" not in README]
    assert not missing, f"commands missing from README.md: {missing}"


def test_readme_gives_the_two_commands():
    assert "python3 run.py demo" in README and "python3 run.py test" in README
    assert (Path(__file__).resolve().parents[1] / "run.py").exists()
