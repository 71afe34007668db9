#!/usr/bin/env python3
"""Set up and run projtrack with nothing but python3.

    python3 run.py demo    # build the demo portfolio and open the app on it
    python3 run.py test    # ruff, the import contracts, the type checker, the whole test suite
    python3 run.py lock    # after changing dependencies: install them, rewrite requirements.lock

Both create ./.venv on first use and install what projtrack needs (pip, from PyPI) at the
versions in requirements.lock, then projtrack itself from this folder (editable).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".projtrack-installed"
LOCK = ROOT / "requirements.lock"
LOCK_HEADER = """\
# The versions of projtrack's dependencies (with the dev and postgres extras) that the test suite
# ran with, on CPython 3.11 under Linux. `python3 run.py demo|test` installs exactly these, then
# projtrack from the source with --no-deps. Remade by `python3 run.py lock` after a change of the
# dependencies in pyproject.toml. A line with a marker is needed on other systems only and keeps
# its dependent's own bounds. No hashes: the binary wheels differ by system.
"""

# Run by the venv's python: every distribution projtrack[dev,postgres] needs, as name==version,
# and those needed only on another system as their dependents ask for them.
_CLOSURE = r"""
import sys
from importlib.metadata import distribution
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

OTHER = [{"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt"},
         {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix"}]
pins, elsewhere, seen = {}, {}, set()

def walk(name, extras):
    dist = distribution(name)
    key = canonicalize_name(dist.metadata["Name"])
    if (key, frozenset(extras)) in seen:
        return
    seen.add((key, frozenset(extras)))
    if key != "projtrack":
        pins[key] = f"{dist.metadata['Name']}=={dist.version}"
    for line in dist.requires or []:
        req = Requirement(line)
        envs = [{"extra": e} for e in extras | {""}]
        if req.marker is None or any(req.marker.evaluate(e) for e in envs):
            walk(req.name, set(req.extras))
        elif any(req.marker.evaluate({**e, **o}) for e in envs for o in OTHER):
            elsewhere.setdefault(canonicalize_name(req.name), line)

walk("projtrack", {"dev", "postgres"})
print("\n".join(pins[k] for k in sorted(pins)))
print("\n".join(elsewhere[k] for k in sorted(elsewhere) if k not in pins))
"""


def _run(*cmd: str | Path, **kw) -> int:
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, **kw)


def _stamp() -> str:
    digest = hashlib.sha256()
    for path in (ROOT / "pyproject.toml", LOCK):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _venv() -> Path:
    py = BIN / "python"
    if not py.exists():
        print("creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    if _run(py, "-m", "pip", "install", "-q", "--upgrade", "pip") != 0:
        sys.exit("pip could not be upgraded")
    return py


def ensure_env() -> None:
    if not LOCK.exists():
        sys.exit("requirements.lock is missing: `python3 run.py lock` makes it")
    want = _stamp()
    if STAMP.exists() and STAMP.read_text() == want:
        return
    py = _venv()
    print("installing projtrack's dependencies (requirements.lock) and projtrack …", flush=True)
    if _run(py, "-m", "pip", "install", "-q", "-r", LOCK) != 0:
        sys.exit("installing requirements.lock failed")
    if _run(py, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "-e", ".") != 0:
        sys.exit("installing projtrack failed")
    if _run(py, "-m", "pip", "check") != 0:
        sys.exit("requirements.lock does not satisfy pyproject.toml (pip check, above): "
                 "after changing dependencies, run `python3 run.py lock`")
    STAMP.write_text(want)


def lock() -> int:
    """Install projtrack[dev,postgres] as pyproject.toml asks (keeping the versions already
    installed where they fit), then write what is installed to requirements.lock."""
    py = _venv()
    if _run(py, "-m", "pip", "install", "-q", "-e", ".[dev,postgres]") != 0:
        return 1
    out = subprocess.run([str(py), "-c", _CLOSURE], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        sys.stderr.write(out.stderr)
        return 1
    LOCK.write_text(LOCK_HEADER + out.stdout.strip() + "\n", encoding="utf-8")
    STAMP.write_text(_stamp())
    lines = [line for line in out.stdout.splitlines() if line.strip()]
    print(f"wrote {LOCK.name}: {len(lines)} requirements")
    return 0


def main(argv: list[str]) -> int:
    task = argv[0] if argv else "help"
    if task not in ("demo", "test", "lock"):
        print(__doc__)
        return 0 if task == "help" else 2
    if task == "lock":
        return lock()
    ensure_env()
    if task == "demo":
        as_of = argv[1:] or []
        return _run(BIN / "projtrack", "--db", "db/demo.db", *as_of, "demo", "--run")
    # the cheap checks first, each stopping the run: lint, the architecture's import contracts
    # (pyproject's [tool.importlinter]), the type checker over projtrack/ ([tool.mypy]), then
    # the tests
    for check in ([BIN / "ruff", "check", "."], [BIN / "lint-imports", "--no-cache"],
                  [BIN / "mypy"]):
        rc = _run(*check)
        if rc != 0:
            return rc
    return _run(BIN / "python", "-m", "pytest", *argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
