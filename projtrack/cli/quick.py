"""``projtrack [--db FILE] [--as-of DATE] [--lang zh|en] [tui]`` — the terminal UI on a SQLite
file — started without building the command line (Typer and click, about a tenth of a
second of CPU before the first screen could be painted).

Only an invocation made of those options alone, each with a value the full parser would take
(the file exists with this program's schema, the date reads one way, the language is one
projtrack speaks), is started here, with exactly the values ``main_options`` and ``tui`` would
hand the app; anything else — another command, ``--help``, a value the parser would refuse, a
PostgreSQL URL — returns None and goes through Typer as before, which says what is wrong.
"""

from __future__ import annotations

import datetime as dt
import os

from projtrack.errors import ProjtrackError
from projtrack.i18n import LANGS, set_lang

_OPTIONS = ("--db", "--as-of", "--lang")


def tui_invocation(args: list[str]) -> tuple[str, dt.date, str | None] | None:
    """(database, as-of date, language) when ``args`` only open the terminal UI on a SQLite
    file; else None."""
    values: dict[str, str] = {}
    command = False
    i = 0
    while i < len(args):
        arg = args[i]
        name, eq, value = arg.partition("=")
        if arg == "tui" and not command:
            command = True
        elif name in _OPTIONS and not (command and name == "--db"):
            if not eq:
                if i + 1 >= len(args) or args[i + 1].startswith("-"):
                    return None
                i += 1
                value = args[i]
            values[name] = value
        else:
            return None
        i += 1
    db = values.get("--db", os.environ.get("PROJTRACK_DB"))
    lang = values.get("--lang")
    if not db or (lang is not None and lang not in LANGS):
        return None
    # only now what reads the file (--help, another command … never load the store's modules)
    from projtrack.services.firstpage import sqlite_file
    from projtrack.typed import read_date

    if sqlite_file(db) is None:
        return None
    as_of = dt.date.today()
    if "--as-of" in values:
        try:
            as_of = read_date(values["--as-of"], "as_of", option="--as-of", exit_code=2)
        except ProjtrackError:
            return None  # the full parser says why
    return db, as_of, lang  # what main_options and ``tui`` hand the app (the option's language)


def run_quick(args: list[str]) -> int | None:
    """Run the terminal UI when ``args`` only open it on a SQLite file (the exit code); None
    when they are for the full command line."""
    found = tui_invocation(args)
    if found is None:
        return None
    db, as_of, lang = found
    set_lang(lang)  # as State.use_lang: the messages of this process in that language
    from projtrack.tui.run import run_tui_on

    def opened():  # only if the file changed between the check and the start
        from projtrack.services.database import open_store
        from projtrack.services.roles import require

        store = open_store(db, create=False)
        require(store, "read", "tui")
        return store

    try:
        run_tui_on(db, as_of, lang, opened)
    except (Exception, KeyboardInterrupt) as exc:  # said as every command says a failure
        from projtrack.cli.exits import exit_code

        return exit_code(exc)
    return 0
