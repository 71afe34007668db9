"""Docs that cannot rot: the README's command table and the command line's own tree agree,
every command line the README shows parses as written, and the README's two set-up commands
exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from projtrack.cli import build

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
SECTION = README.split("\n## Command line\n", 1)[1].split("\n## ", 1)[0]
ROOT = build()


def _leaves(group, path=()):
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):
            yield from _leaves(cmd, (*path, name))
        else:
            yield " ".join((*path, name))


def _table_lines() -> list[str]:
    """The first cell of each row of the Command line section's table, one command line per
    backticked span (`projtrack` / `projtrack tui` is two)."""
    spans = []
    for row in SECTION.splitlines():
        cells = re.split(r"(?<!\\)\|", row)
        if row.startswith("| `projtrack"):
            spans += re.findall(r"`([^`]*)`", cells[1])
    return spans


def _code_lines() -> list[str]:
    """Every other command line the README shows: in backticks, or in a fenced block."""
    inline = re.findall(r"`(projtrack(?: [^`]*)?)`", README)
    fenced = re.findall(r"^```[a-z]*\n(.*?)^```", README, flags=re.S | re.M)
    lines = [ln.split("  #")[0].strip() for block in fenced for ln in block.splitlines()]
    return inline + [ln for ln in lines if ln == "projtrack" or ln.startswith("projtrack ")]


def _parse(line: str):
    """(command path, the command, how many positional arguments the line gives), after
    checking that every option named belongs to the command or to the global options.
    ``[--x]`` is optional, ``a\\|b`` alternatives (values, or options), ``CMD`` any command."""
    tokens = line.replace("\\|", " | ").replace("[", " ").replace("]", " ").split()
    assert tokens[0] == "projtrack", line
    cmd, path, given, i = ROOT, [], 0, 1
    while i < len(tokens):
        tok = tokens[i]
        options = {o: p for p in cmd.params if not p.opts[0].isidentifier()
                   for o in (*p.opts, *p.secondary_opts)}
        if tok.startswith("--"):
            name, eq, _ = tok.partition("=")
            if name != "--help":
                assert name in options, f"{line}: {name} is not an option of {' '.join(path)}"
                i += 0 if options[name].is_flag or eq else 1  # its value
        elif tok == "|":
            if not tokens[i + 1].startswith("--"):
                i += 1  # another value of the same option
        elif hasattr(cmd, "commands") and tok not in cmd.commands and getattr(
                cmd, "default_command", None):  # "projtrack import FILE": its default command
            path.append(cmd.default_command)
            cmd = cmd.commands[cmd.default_command]
            continue
        elif hasattr(cmd, "commands") and tok.isupper():
            return path, None, 0  # "projtrack CMD --help"
        elif hasattr(cmd, "commands"):
            assert tok in cmd.commands, f"{line}: no command {' '.join([*path, tok])}"
            cmd = cmd.commands[tok]
            path.append(tok)
        else:
            given += 1
        i += 1
    return " ".join(path), cmd, given


def test_every_command_is_in_the_readme_table_and_every_row_is_a_command():
    rows = {_parse(line)[0] for line in _table_lines()}
    missing = sorted(set(_leaves(ROOT)) - rows)
    assert not missing, f"commands missing from README.md's table: {missing}"
    assert "" in rows and len(rows) == len(_table_lines()), rows  # `projtrack`, no duplicates


@pytest.mark.parametrize("line", _table_lines())
def test_each_row_of_the_table_names_the_command_s_options_and_arguments(line):
    path, cmd, given = _parse(line)
    if cmd is ROOT:
        return
    assert not hasattr(cmd, "commands"), f"{line}: {path} is a group, not a command"
    arguments = [p for p in cmd.params if p.opts[0].isidentifier()]
    assert given == len(arguments), (line, [a.name for a in arguments])


def test_every_command_line_in_the_readme_parses():
    for line in _code_lines():
        _parse(line)


def test_the_global_options_are_the_root_s():
    paragraph = next(p for p in SECTION.split("\n\n") if p.strip().startswith("Global options:"))
    said = re.findall(r"`(--[a-z-]+)[^`]*`", paragraph)
    have = {o for p in ROOT.params for o in p.opts}
    assert said and set(said) <= have, (said, have)


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
