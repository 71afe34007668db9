"""The command line as a package and as a program: its modules import one way (no cycle), its
start loads nothing heavy, and an option a command shares with the global ones is its own."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from projtrack.cli import main
from tests.conftest import SAMPLE

CLI = Path(__file__).resolve().parents[2] / "projtrack" / "cli"
SCRIPT = Path(sys.executable).with_name("projtrack")  # the console script beside python
HEAVY = ("alembic", "sqlalchemy", "sqlmodel", "textual", "openpyxl", "fpdf", "projtrack.tui",
         "projtrack.store", "projtrack.services", "projtrack.importer", "projtrack.reports")


def _cli_imports(path: Path) -> set[str]:
    """The modules of projtrack.cli that ``path`` imports, anywhere in it (relative or not)."""
    module = "projtrack.cli" if path.stem == "__init__" else f"projtrack.cli.{path.stem}"
    package = "projtrack.cli"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative to projtrack.cli (or above it)
                up = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{up}.{base}".rstrip(".")
            names = [base]  # `from projtrack.cli import x` runs the package's __init__ first
            if base == package:
                names += [f"{package}.{a.name}" for a in node.names]
        else:
            continue
        found.update(n for n in names if n == package or n.startswith(package + "."))
    found.discard(module)
    return found


def test_the_cli_package_has_no_import_cycle():
    graph = {("projtrack.cli" if p.stem == "__init__" else f"projtrack.cli.{p.stem}"):
             _cli_imports(p) for p in CLI.glob("*.py")}
    importers_of_entry = sorted(m for m, deps in graph.items() if "projtrack.cli" in deps)
    assert not importers_of_entry, f"these import the entry module: {importers_of_entry}"
    assert len(graph) >= 8 and graph["projtrack.cli"] >= {"projtrack.cli.app"}, graph

    def visit(module: str, stack: tuple[str, ...]) -> None:
        for dep in graph.get(module, ()):
            assert dep not in stack, f"import cycle: {' → '.join((*stack, dep))}"
            visit(dep, (*stack, dep))

    for module in graph:
        visit(module, (module,))


def test_the_old_flat_modules_are_gone():
    assert not [p.name for p in CLI.parent.glob("cli*.py")]


def _loaded(*args: str) -> set[str]:
    """The modules the console script imports to run ``projtrack ARGS`` (from -X importtime)."""
    env = {k: v for k, v in os.environ.items() if k != "PROJTRACK_DB"}
    r = subprocess.run([sys.executable, "-X", "importtime", str(SCRIPT), *args],
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "projtrack" in r.stdout
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("import time:")]
    return {ln.rsplit("|", 1)[1].strip() for ln in lines[1:]}


def test_help_and_version_load_no_database_spreadsheet_or_ui_library():
    for args in (["--help"], ["--version"], ["report", "weekly", "--help"]):
        loaded = _loaded(*args)
        assert "projtrack.cli.app" in loaded, args  # the measurement saw the program
        heavy = sorted({h for h in HEAVY for m in loaded if m == h or m.startswith(h + ".")})
        assert not heavy, f"projtrack {' '.join(args)} imports {heavy}"


def test_report_weekly_as_of_through_the_program(tmp_path, capsys):
    """`report weekly --as-of DATE` reports the week containing DATE, whatever the global
    --as-of says; the global one alone picks the week too."""
    db = str(tmp_path / "t.db")
    assert main(["--db", db, "import", str(SAMPLE)]) == 0
    capsys.readouterr()
    env = {k: v for k, v in os.environ.items() if k != "PROJTRACK_DB"}

    def report(*args: str) -> subprocess.CompletedProcess:
        out = tmp_path / "out"
        return subprocess.run([sys.executable, "-m", "projtrack", "--db", db, *args, "--format",
                               "xlsx", "--out", str(out), "--lang", "en"],
                              capture_output=True, text=True, env=env, timeout=300)

    r = report("--as-of", "2023-12-31", "report", "weekly", "--as-of", "2023-06-14")
    assert r.returncode == 0, r.stderr
    assert "2023-W24 ends on 2023-06-18, after the as-of date 2023-06-14" in r.stdout
    assert "weekly-report-2023-W24-draft.xlsx" in r.stdout
    r = report("--as-of", "2023-12-31", "report", "weekly", "--as-of", "2023-06-18")
    assert r.returncode == 0, r.stderr
    assert "Issued the report for 2023-W24" in r.stdout, r.stdout
    assert "weekly-report-2023-W24.xlsx" in r.stdout
    r = report("--as-of", "2023-07-02", "report", "weekly")
    assert r.returncode == 0 and "weekly-report-2023-W26.xlsx" in r.stdout, r.stderr
    r = report("report", "weekly", "--as-of", "2023-13-01")
    assert r.returncode == 2 and "2023-13-01" in r.stderr and "Traceback" not in r.stderr
