"""The command line as a package: its modules import one way (no cycle)."""

from __future__ import annotations

import ast
from pathlib import Path

CLI = Path(__file__).resolve().parents[2] / "projtrack" / "cli"


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
