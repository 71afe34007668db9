"""Helpers of the trust tests: the CLI in-process and as a real process, database snapshots."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VOLATILE = frozenset({"created_at", "updated_at", "at", "issued_at", "undone_at",
                      "proposed_at", "decided_at",  # a budget change's clock times
                      "row_hash", "last_hash"})  # the hash chain covers the timestamps


def cli(capsys, db: str, *args: str, lang: str | None = "en", as_of: str = "2024-06-30"):
    """projtrack's main() in this process: (exit code, stdout, stderr)."""
    from projtrack.cli import main

    argv = ["--db", db, "--as-of", as_of]
    if lang:
        argv += ["--lang", lang]
    rc = main([*argv, *args])
    out, err = capsys.readouterr()
    return rc, out, err


@dataclass
class Run:
    rc: int
    out: str
    err: str
    seconds: float  # wall clock: reported, never a limit (a loaded machine stretches it)
    max_rss_mb: float  # the child's peak resident memory (VmHWM when measured, else wait4's)
    wait4_rss_mb: float = 0.0
    cpu_seconds: float = 0.0  # the child's own user + system time (wait4): what limits assert


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PROJTRACK_DB", "PROJTRACK_LANG", "NO_COLOR", "TEXTUAL_THEME")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def run_process(argv: list[str], *, timeout: float = 60, env: dict[str, str] | None = None) -> Run:
    """Run a command as a real process; its own peak memory comes from wait4 (the rusage of
    exactly this child, not the maximum over all children as RUSAGE_CHILDREN gives)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                cwd=ROOT, env=env or child_env())
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.01)
        seconds = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        rss_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
        return Run(proc.returncode, out.read().decode("utf-8", "replace"),
                   err.read().decode("utf-8", "replace"), seconds, rss_mb, rss_mb,
                   usage.ru_utime + usage.ru_stime)


def measured_projtrack(*args: str, timeout: float = 60) -> Run:
    """projtrack ARGS as a real process, with its own peak memory (see tests/trust/measure.py)."""
    with tempfile.TemporaryDirectory() as tmp:
        rss_file = Path(tmp) / "rss"
        run = run_process([sys.executable, "-m", "tests.trust.measure", *args], timeout=timeout,
                          env=child_env(PROJTRACK_RSS_TO=str(rss_file)))
        if rss_file.exists():
            run.max_rss_mb = int(rss_file.read_text()) / 1024
        return run


def projtrack_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "projtrack", *args]


def snapshot(url: str, *, volatile: bool = True) -> dict[str, list[tuple]]:
    """Every row of every table, in id order, as plain values (timestamps dropped unless
    ``volatile``): two databases with equal snapshots hold the same data."""
    from sqlalchemy import MetaData, select

    from projtrack.store.engine import make_engine

    engine = make_engine(url)
    try:
        meta = MetaData()
        meta.reflect(bind=engine)
        out: dict[str, list[tuple]] = {}
        with engine.connect() as conn:
            for name, table in sorted(meta.tables.items()):
                cols = [c for c in table.columns if volatile or c.name not in VOLATILE]
                order = list(table.primary_key.columns) or cols
                rows = conn.execute(select(*cols).order_by(*order)).all()
                out[name] = [tuple(r) for r in rows]
        return out
    finally:
        engine.dispose()


def integrity(path: str | Path) -> str:
    import sqlite3

    con = sqlite3.connect(path)
    try:
        return ";".join(r[0] for r in con.execute("PRAGMA integrity_check").fetchall())
    finally:
        con.close()


class PgDatabase:
    """A PostgreSQL database of a test: its owner's URL, a login's URL and raw psycopg
    connection (trust or a password from the environment), and SQL run as the owner."""

    def __init__(self, owner: str, name: str):
        self.owner, self.name = owner, name
        self.base = owner.rsplit("/", 1)[0].split("://", 1)[1].split("@", 1)[1]  # host:port

    def login_url(self, login: str) -> str:
        return f"postgresql+psycopg://{login}@{self.base}/{self.name}"

    def connect(self, login: str):
        import psycopg

        host, port = self.base.split(":")
        return psycopg.connect(host=host, port=port, dbname=self.name, user=login)

    def owner_sql(self, sql: str, **params):
        from sqlalchemy import create_engine, text

        engine = create_engine(self.owner)
        try:
            with engine.begin() as conn:
                result = conn.execute(text(sql), params)
                return result.fetchall() if result.returns_rows else []
        finally:
            engine.dispose()
