#!/usr/bin/env python3
"""Set up and run projtrack with nothing but python3.

    python3 run.py demo    # build the demo portfolio and open the app on it
    python3 run.py test    # run ruff and the whole test suite

Both create ./.venv on first use and install projtrack with what it needs (pip, from PyPI).
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


def _run(*cmd: str | Path, **kw) -> int:
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, **kw)


def ensure_env() -> None:
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == want:
        return
    if not (BIN / "python").exists():
        print("creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("installing projtrack and its dependencies …", flush=True)
    py = BIN / "python"
    if _run(py, "-m", "pip", "install", "-q", "--upgrade", "pip") != 0:
        sys.exit("pip could not be upgraded")
    if _run(py, "-m", "pip", "install", "-q", "-e", ".[dev]") != 0:
        sys.exit("installing projtrack failed")
    STAMP.write_text(want)


def main(argv: list[str]) -> int:
    task = argv[0] if argv else "help"
    if task not in ("demo", "test"):
        print(__doc__)
        return 0 if task == "help" else 2
    ensure_env()
    if task == "demo":
        as_of = argv[1:] or []
        return _run(BIN / "projtrack", "--db", "db/demo.db", *as_of, "demo", "--run")
    rc = _run(BIN / "ruff", "check", ".")
    if rc != 0:
        return rc
    return _run(BIN / "python", "-m", "pytest", *argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
