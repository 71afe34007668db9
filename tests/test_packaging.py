"""projtrack installs like any package: what it reads at run time (the Alembic scripts, the sample
annex) is package data, not a file of the source tree."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_the_sample_annex_copies_are_one_file():
    """The demo's sample (package data), the one officers find in imports/ and the tests' fixture
    (whose true values sample-annex.expected.json holds) are the same workbook."""
    shipped = (ROOT / "projtrack" / "data" / "sample-annex.xlsx").read_bytes()
    assert (ROOT / "imports" / "sample-annex.xlsx").read_bytes() == shipped
    assert (ROOT / "tests" / "fixtures" / "sample-annex.xlsx").read_bytes() == shipped


def test_migrations_and_sample_are_read_from_the_package():
    import projtrack
    from projtrack.services import demo
    from projtrack.store import migrate

    package = Path(projtrack.__file__).parent
    assert Path(str(migrate.MIGRATIONS)) == package / "store" / "migrations"
    assert migrate.head_revision() in migrate.known_revisions()
    assert Path(str(demo.SAMPLE)) == package / "data" / "sample-annex.xlsx"


def test_the_revisions_read_without_alembic_are_alembic_s():
    """store.migrate reads the head and the known revisions from the scripts' own lines (so
    opening a database does not import Alembic): they are the ones Alembic reads."""
    from alembic.script import ScriptDirectory

    from projtrack.store import migrate

    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    assert [migrate.head_revision()] == scripts.get_heads()
    assert migrate.known_revisions() == {s.revision for s in scripts.walk_revisions()}


def test_opening_a_database_and_reading_it_does_not_import_alembic(tmp_path):
    """A command that reads (here `projtrack export` of a new database, and `db check`'s
    revision check) starts without Alembic; `db upgrade` and a new database's creation use it."""
    import subprocess
    import sys

    db = tmp_path / "p.db"
    code = ("import sys; from projtrack.cli import main; rc = main(['--db', *sys.argv[1:]]); "
            "print('alembic' in sys.modules, rc)")

    def run(*args: str) -> list[str]:
        done = subprocess.run([sys.executable, "-c", code, str(db), *args], capture_output=True,
                              text=True, timeout=300)
        return done.stdout.split()[-2:]

    assert run("init") == ["True", "0"]  # created: migrated
    assert run("export") == ["False", "0"]
    assert run("db", "check") == ["False", "0"]


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


# --- the wheel, built and installed as a user would ------------------------------------------------
def _wheel_names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as zf:
        return set(zf.namelist())


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """projtrack's wheel, built from a copy of the files a build reads (so the work tree gets no
    build/ folder), with the locked setuptools and without the network."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "projtrack", src / "projtrack",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    out = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                          "--no-build-isolation", "--no-index", "-w", str(tmp / "dist"), str(src)],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
    (built,) = (tmp / "dist").glob("projtrack-*.whl")
    return built


@pytest.mark.slow
def test_the_wheel_holds_every_file_of_the_package(wheel):
    """Every file under projtrack/ (the migrations, the sample annex, the catalogs, the
    stylesheet, the code) is in the wheel, and so are the licence and the entry point."""
    names = _wheel_names(wheel)
    source = {p.relative_to(ROOT).as_posix() for p in (ROOT / "projtrack").rglob("*")
              if p.is_file() and "__pycache__" not in p.parts}
    missing = sorted(source - names)
    assert not missing, f"not in the wheel: {missing}"
    for needed in ("projtrack/store/migrations/env.py", "projtrack/store/migrations/script.py.mako",
                   "projtrack/store/migrations/versions/0001_initial_schema.py",
                   "projtrack/data/sample-annex.xlsx", "projtrack/i18n/zh.json",
                   "projtrack/i18n/en.json", "projtrack/tui/app.tcss"):
        assert needed in names, needed
    info = "-".join(wheel.name.split("-")[:2]) + ".dist-info"
    assert f"{info}/licenses/LICENSE" in names
    with zipfile.ZipFile(wheel) as zf:
        assert "projtrack = projtrack.cli:run" in zf.read(f"{info}/entry_points.txt").decode()


@pytest.mark.slow
def test_the_installed_wheel_builds_the_demo_and_exports_it(wheel, tmp_path):
    """The wheel installed (not editable) into a new virtual environment works from any folder:
    the migrations create the schema, the demo reads its sample annex from the package.  The
    dependencies come from this environment through a .pth file, added after the install so
    that pip sees nothing of it."""
    import sysconfig
    import venv

    env = tmp_path / "env"
    venv.EnvBuilder(with_pip=False).create(env)
    bindir = env / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    out = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                          "--no-deps", "--no-index", str(wheel)],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                           "['purelib'])"], capture_output=True, text=True, check=True).stdout
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(site.strip(), "projtrack-test-dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")

    environ = {k: v for k, v in os.environ.items()
               if k not in ("PYTHONPATH", "PROJTRACK_DB", "PYTHONHOME")}
    work = tmp_path / "elsewhere"
    work.mkdir()

    def run(*args: str) -> str:
        done = subprocess.run([str(bindir / "projtrack"), *args], cwd=work, env=environ,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done.stdout

    where = subprocess.run([str(python), "-c", "import projtrack.store.migrate as m, projtrack."
                            "services.demo as d; print(m.__file__, m.MIGRATIONS, d.SAMPLE, sep='\\n')"],
                           cwd=work, env=environ, capture_output=True, text=True, check=True)
    for line in where.stdout.split():
        assert Path(line).resolve().is_relative_to(env.resolve()), line
    from projtrack import __version__

    assert run("--version").strip() == f"projtrack {__version__}"
    db = str(tmp_path / "x.db")
    assert "88" in run("--db", db, "--as-of", "2026-11-29", "demo")
    data = json.loads(run("--db", db, "--as-of", "2026-11-29", "export"))
    assert data["as_of"] == "2026-11-29" and len(data["projects"]) == 88
    expected = json.loads((ROOT / "tests" / "fixtures" / "sample-annex.expected.json")
                          .read_text(encoding="utf-8"))["by_category"]
    for category, facts in expected.items():
        assert data["totals"]["by_category"][category]["new_places"] == facts["places"], category


def test_alembic_imported_under_a_replaced_stdout_writes_to_the_stdout_of_the_moment(tmp_path):
    """Alembic is imported lazily (first by whatever migrates): its Config's default stream is
    sys.stdout as it was at that import, so store.migrate hands it the current one — a stream
    replaced and closed since (a test's capture, the TUI's) is never written to."""
    import subprocess
    import sys

    code = """
import io, sys
from projtrack.store import migrate
from projtrack.store.engine import make_engine
captured = io.StringIO()
real, sys.stdout = sys.stdout, captured
migrate.alembic_config()          # Alembic first imported while stdout is replaced
sys.stdout = real
captured.close()
engine = make_engine(sys.argv[1])
migrate.upgrade(engine)
from alembic import command
cfg = migrate.alembic_config(engine)
with engine.begin() as conn:
    cfg.attributes["connection"] = conn
    command.check(cfg)
print("checked")
"""
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "p.db")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "checked" in done.stdout, done.stderr
