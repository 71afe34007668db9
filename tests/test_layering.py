"""The architecture's one-way dependencies, made executable."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "projtrack"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_imports_no_database_spreadsheet_or_ui_library():
    for path in (PKG / "core").glob("*.py"):
        bad = {n for n in _imports(path)
               if n.split(".")[0] in ("sqlmodel", "sqlalchemy", "openpyxl", "textual", "typer")
               or n.startswith(("projtrack.store", "projtrack.tui", "projtrack.services"))}
        assert not bad, f"{path.name} imports {bad}"


def test_only_the_tui_imports_textual():
    for path in PKG.rglob("*.py"):
        if "tui" in path.relative_to(PKG).parts:
            continue
        assert not {n for n in _imports(path) if n.split(".")[0] == "textual"}, path


def test_importer_reads_workbooks_only_through_workbook_module():
    """workbook.py opens them safely; xlsxfast.py is its fast row reader (openpyxl's private
    parser API, behind one module)."""
    for path in (PKG / "importer").glob("*.py"):
        if path.name in ("workbook.py", "xlsxfast.py"):
            continue
        assert "openpyxl" not in {n.split(".")[0] for n in _imports(path)}, path


def test_core_loads_without_textual_or_sqlalchemy_in_a_fresh_process():
    code = ("import sys, projtrack.core.figures, projtrack.core.units, projtrack.core.money;"
            "print(','.join(m for m in ('textual','sqlalchemy','openpyxl') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_both_catalogs_hold_the_same_keys():
    from projtrack.i18n import catalog

    zh, en = catalog("zh"), catalog("en")
    assert set(zh) == set(en), set(zh) ^ set(en)


def test_the_import_contracts_hold():
    """pyproject's [tool.importlinter] contracts (``python3 run.py test`` runs them first;
    here they run with the tests too, so a plain ``pytest`` sees a broken one)."""
    lint = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run([str(lint), "--no-cache"], capture_output=True, text=True,
                         cwd=PKG.parent)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "0 broken" in out.stdout


def test_the_test_command_runs_lint_contracts_and_type_checker_before_the_tests():
    """``python3 run.py test``: ruff, then lint-imports, then mypy, then pytest."""
    text = (PKG.parent / "run.py").read_text(encoding="utf-8")
    order = [text.index(f'BIN / "{tool}"') for tool in ("ruff", "lint-imports", "mypy")]
    assert order == sorted(order) and max(order) < text.index('"-m", "pytest"')


def _layer_files(*layers: str):
    for layer in layers:
        yield from (PKG / layer).rglob("*.py")


def test_only_the_store_touches_orm_rows_sessions_or_sql():
    """Nothing outside ``store/`` imports SQLAlchemy, SQLModel or the ORM rows — not even
    inside a function, where the import-linter contracts do not look."""
    for path in PKG.rglob("*.py"):
        if path.relative_to(PKG).parts[0] == "store":
            continue
        bad = {n for n in _imports(path) if n.split(".")[0] in ("sqlalchemy", "sqlmodel")
               or n == "projtrack.store.models"}
        assert not bad, f"{path.relative_to(PKG)} imports {bad}"


def _calls_on(path: Path, receiver: str) -> list[str]:
    """``receiver.method(…)`` and ``x.receiver.method(…)`` calls in a module, as text."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.id if isinstance(owner, ast.Name) else \
                owner.attr if isinstance(owner, ast.Attribute) else None
            if name == receiver:
                found.append(f"{path.relative_to(PKG)}:{node.lineno} {ast.unparse(node.func)}")
    return found


def test_the_front_ends_call_services_not_the_store():
    """The CLI and the app hand the Store to a service verb and call none of its methods."""
    calls = [c for p in _layer_files("cli", "tui") for c in _calls_on(p, "store")]
    assert not calls, calls


def test_the_verbs_open_no_transaction_of_their_own():
    """Services, the progress round trip and the annex importer write through the store's
    units of work (``store.ledger``, ``store.edits``, ``store.undo``, ``store.annex``): no
    ``store.write()`` or ``store.read()`` session in their hands (a snapshot, ``consistent()``,
    is theirs)."""
    calls = [c for p in _layer_files("services", "progress_io", "importer")
             for c in _calls_on(p, "store")
             if c.endswith((".write", ".read"))]
    assert not calls, calls


def test_every_class_has_one_name_in_the_package():
    """A newcomer who reads ``Change`` or ``Problem`` must know which one: no two classes of the
    package share a name."""
    import ast
    from collections import defaultdict
    from pathlib import Path

    package = Path(__file__).resolve().parents[1] / "projtrack"
    where: dict[str, list[str]] = defaultdict(list)
    for path in sorted(package.rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef):
                where[node.name].append(str(path.relative_to(package)))
    assert {name: files for name, files in where.items() if len(files) > 1} == {}
