"""projtrack installs like any package: what it reads at run time (the Alembic scripts, the sample
annex) is package data, not a file of the source tree."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_sample_annex_copies_are_one_file():
    """The demo's sample (package data), the one officers find in imports/ and the tests' fixture
    (whose true values sample-annex.expected.json holds) are the same workbook."""
    shipped = (ROOT / "projtrack" / "data" / "sample-annex.xlsx").read_bytes()
    assert (ROOT / "imports" / "sample-annex.xlsx").read_bytes() == shipped
    assert (ROOT / "tests" / "fixtures" / "sample-annex.xlsx").read_bytes() == shipped


def test_migrations_and_sample_are_read_from_the_package():
    import projtrack
    from projtrack import demo
    from projtrack.store import migrate

    package = Path(projtrack.__file__).parent
    assert Path(str(migrate.MIGRATIONS)) == package / "store" / "migrations"
    assert migrate.head_revision() in migrate.known_revisions()
    assert Path(str(demo.SAMPLE)) == package / "data" / "sample-annex.xlsx"


def _lock() -> dict[str, str]:
    from packaging.utils import canonicalize_name

    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and "==" in line:
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = version
    return pins


def test_the_lock_pins_every_dependency_within_pyproject_s_bounds():
    import tomllib

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = project["dependencies"] + [r for extra in project["optional-dependencies"].values()
                                        for r in extra]
    pins = _lock()
    for line in wanted:
        req = Requirement(line)
        version = pins.get(canonicalize_name(req.name))
        assert version is not None, f"{req.name} is not in requirements.lock"
        assert req.specifier.contains(version, prereleases=True), (line, version)
        assert any(s.operator in ("<", "<=", "==", "~=") for s in req.specifier), \
            f"{line}: no upper bound"


def test_run_py_installs_again_when_the_lock_changes(tmp_path, monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location("run_py", ROOT / "run.py")
    run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run)
    (tmp_path / "pyproject.toml").write_bytes((ROOT / "pyproject.toml").read_bytes())
    lock = tmp_path / "requirements.lock"
    lock.write_text("alembic==1.20.1\n")
    monkeypatch.setattr(run, "ROOT", tmp_path)
    monkeypatch.setattr(run, "LOCK", lock)
    before = run._stamp()
    lock.write_text("alembic==1.20.2\n")
    assert run._stamp() != before
