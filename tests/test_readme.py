"""Docs that cannot rot: every command of the CLI is in the README, and the README's two
set-up commands exist."""

from __future__ import annotations

from pathlib import Path

import typer.main

from projtrack.cli.app import app

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


def test_ci_runs_the_readme_s_test_command():
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 run.py test" in ci.splitlines()


def test_a_quiet_run_without_postgresql_says_its_half_was_skipped(tmp_path):
    """The README says the test command tells when the PostgreSQL half was skipped: a quiet
    run (the project's default) shows it on its last lines."""
    import os
    import subprocess
    import sys

    (tmp_path / "test_one.py").write_text("def test_one():\n    assert True\n")
    root = Path(__file__).resolve().parents[1]
    env = {k: v for k, v in os.environ.items() if k != "PROJTRACK_TEST_PG"}
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "--rootdir", str(root), "-c", str(root / "pyproject.toml"),
                          "--confcutdir", str(root),
                          "-p", "tests.conftest", str(tmp_path / "test_one.py")],
                         cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    last = out.stdout.splitlines()[-3:]
    assert any(line.startswith("PostgreSQL tests: skipped") for line in last), out.stdout
