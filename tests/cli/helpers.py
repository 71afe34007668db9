"""What the command-line tests share: one run of ``projtrack`` in-process, its output read."""

from __future__ import annotations

from projtrack.cli import main


def run(capsys, db, *args, as_of: str | None = "2023-06-30", lang: str = "zh"):
    """``projtrack --db db [--as-of as_of] --lang lang *args``: (exit code, stdout, stderr);
    never a traceback, whatever the outcome."""
    dated = ["--as-of", as_of] if as_of is not None else []
    rc = main(["--db", db, *dated, "--lang", lang, *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return rc, out, err
