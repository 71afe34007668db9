"""The Typer app and its command groups, the global options and the state they set, and the
argument helpers every command module shares.

Command modules import ``app`` (or a group) from here and register their commands on it
(projtrack.cli.build imports them); this module imports none of them, and nothing heavy: ``projtrack --help`` loads Typer, the i18n catalogs and this
package only.  Commands import what they need inside their bodies.  Every help string is a
catalog string, looked up on import (in the language projtrack.cli.main set first).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, MutableMapping
from contextlib import contextmanager
from typing import Annotated

import typer
import typer.core
import typer.main
from typer.models import TyperInfo

from projtrack import __version__
from projtrack.cli.helpformat import localize
from projtrack.errors import BadUsage
from projtrack.i18n import LANGS, set_lang, t

app = typer.Typer(add_completion=False, no_args_is_help=False, rich_markup_mode=None,
                  help=t("cli.help.root"))
spend_app = typer.Typer(help=t("cli.help.spend"), no_args_is_help=True)
progress_app = typer.Typer(help=t("cli.help.progress"), no_args_is_help=True)
milestone_app = typer.Typer(help=t("cli.help.milestone"), no_args_is_help=True)
plan_app = typer.Typer(help=t("cli.help.plan"), no_args_is_help=True)
phase_app = typer.Typer(help=t("cli.help.phase"), no_args_is_help=True)
db_app = typer.Typer(help=t("cli.help.db"),
                     no_args_is_help=True)
audit_app = typer.Typer(help=t("cli.help.audit"), no_args_is_help=True)
report_app = typer.Typer(help=t("cli.help.report"), no_args_is_help=True)
baseline_app = typer.Typer(help=t("cli.help.baseline"),
                           no_args_is_help=True)
budget_app = typer.Typer(help=t("cli.help.budget"), no_args_is_help=True)
for sub, name in ((spend_app, "spend"), (progress_app, "progress"), (milestone_app, "milestone"),
                  (plan_app, "plan"), (phase_app, "phase"), (db_app, "db"), (audit_app, "audit"),
                  (report_app, "report"), (baseline_app, "baseline"), (budget_app, "budget")):
    app.add_typer(sub, name=name)


# what each command needs of the login's role (projtrack.services.roles.NEEDS); the others read
NEEDS = {
    **dict.fromkeys(("spend add", "spend undo", "progress add", "progress import",
                     "milestone set", "undo"), "entry"),
    **dict.fromkeys(("import annex", "import undo", "plan set", "phase set", "baseline set",
                     "budget change", "budget approve", "budget reject", "issue add",
                     "issue update", "issue close", "rules set", "rules reset", "init",
                     "progress template", "county set"), "officer"),
    **dict.fromkeys(("db check", "db copy", "restore", "demo"), "admin"),
}


class State:
    """What the global options said, for every command of one invocation.  The store is opened
    on first use, so ``--help``, usage errors and ``db upgrade`` never open it."""

    def __init__(self, db: str | None):
        self.db = db
        self.command = ""  # the command being run ("spend add"): what its role must allow
        self.as_of = dt.date.today()
        self.lang: str | None = None
        self._store = None

    def use_as_of(self, text: str) -> None:
        self.as_of = parse_date(text, "--as-of")

    def use_lang(self, lang: str | None) -> None:
        if lang is not None and lang not in LANGS:
            raise BadUsage("err.bad_lang", found=lang)
        set_lang(lang)
        self.lang = lang

    @property
    def store(self):
        """The database, which must exist: a missing one is a usage error naming it (exit 2),
        and nothing is created."""
        if self._store is None:
            from projtrack.services.database import open_store

            self._store = open_store(self.db, create=False)
            self._check_role()
        return self._store

    def _check_role(self) -> None:
        """Refuse, before anything is tried, a command the login's role does not allow (a
        shared PostgreSQL database; on SQLite everyone may do everything)."""
        from projtrack.services.roles import require

        assert self._store is not None
        require(self._store, NEEDS.get(self.command, "read"), self.command or "tui")

    def create_store(self):
        """The database, made when it is missing ("created new database PATH" on stderr): for
        the commands that may create one (init, import, demo's own)."""
        if self._store is None:
            from projtrack.services.database import open_store

            self._store = open_store(self.db, create=True)
            if self._store.created:
                say_created(self.db)
            self._check_role()
        return self._store


def require_database(db: str | None) -> None:
    """A usage error naming the file when the SQLite database ``db`` does not exist (for the
    commands that open it without opening a Store); nothing is created."""
    from projtrack.services.database import require_database as require

    require(db)


def db_name(db: str | None) -> str:
    """The database as an officer names it: the file's path, or the URL without a password."""
    from projtrack.services.database import database_name

    return database_name(db)


def say_created(db: str | None) -> None:
    """The line every command that made a new database prints (on stderr: a command's own
    output, JSON say, stays clean)."""
    typer.echo(t("msg.created_database", db=db_name(db)), err=True)


def state(ctx: typer.Context) -> State:
    """The invocation's State, set by the global options' callback on the root context."""
    return ctx.find_root().obj


def _version(value: bool) -> None:
    if value:
        typer.echo(f"projtrack {__version__}")
        raise typer.Exit(0)


@app.callback(invoke_without_command=True)
def main_options(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option("--db", envvar="PROJTRACK_DB",
                                           help=t("cli.opt.db"))] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help=t("cli.opt.as_of"))] = None,
    lang: Annotated[str | None, typer.Option("--lang", help=t("cli.opt.lang"))] = None,
    version: Annotated[bool, typer.Option(  # eager: it answers before the others are read
        "--version", is_eager=True, callback=_version, help=t("cli.opt.version"))] = False,
) -> None:
    ctx.obj = State(db)
    ctx.obj.use_lang(lang)
    if as_of:
        ctx.obj.use_as_of(as_of)
    if ctx.invoked_subcommand is None:
        from projtrack.tui.run import run_tui_on

        c = ctx.obj
        run_tui_on(c.db, c.as_of, lang, lambda: c.store)


# --- the global options, also after a command ------------------------------------------------
AFTER_COMMAND = ("--as-of", "--lang")


def command():
    """The click command tree of ``app``, in which every command also accepts the global
    ``--as-of`` and ``--lang`` among its own options (``projtrack export --as-of 2026-11-29``).
    A command with an option of that name keeps its own: ``report weekly --as-of D`` is the
    report's date, over the global one.  Click parses them with the command's options, so an
    option's value or an argument after ``--`` is never taken for one of them.

    The tree is built as it is walked: a group's commands become click commands when one of
    them is first asked for (``_Lazy``), so ``projtrack import FILE`` works out the parameters
    of the import alone, and ``--help`` lists a group's commands from their names and help
    texts without building them (Typer's conversion reads every command's type hints: about
    half of ``projtrack --help`` when the whole tree was built first)."""
    return _group(TyperInfo(app), root=True)


def _group(info, root: bool = False, prefix: str = ""):
    """The click group of the Typer group ``info``: its own options now, its commands when
    asked for."""
    sub = info.typer_instance
    commands, groups = sub.registered_commands, sub.registered_groups
    sub.registered_commands, sub.registered_groups = [], []
    try:  # Typer's own conversion of the group, without its commands
        group = typer.main.get_group_from_info(
            info, pretty_exceptions_short=app.pretty_exceptions_short,
            suggest_commands=app.suggest_commands, rich_markup_mode=app.rich_markup_mode)
    finally:
        sub.registered_commands, sub.registered_groups = commands, groups
    localize(group)
    lazy = _Lazy()
    for c in commands:
        name = c.name or typer.main.get_command_name(c.callback.__name__)
        lazy.add(name, lambda c=c, path=prefix + name: _leaf(c, path),
                 lambda c=c: _listed_command(c))
    for g in groups:
        solved = typer.main.solve_typer_info_defaults(g)
        if solved.name:  # as Typer: a group without a name is not a command
            lazy.add(solved.name, lambda g=g, p=f"{prefix}{solved.name} ": _group(g, prefix=p),
                     lambda s=solved: _listed_group(s))
    group.commands = lazy
    listing = group.format_commands

    def format_commands(ctx, formatter):  # the list from names and help texts only
        with lazy.listing():
            listing(ctx, formatter)

    group.format_commands = format_commands  # type: ignore[method-assign]  # this group's own
    if root:
        _SHARED[:] = [p for p in group.params if p.opts[0] in AFTER_COMMAND]
    return group


_SHARED: list = []  # the root's --as-of and --lang, which every command also takes


def _leaf(info, path: str):
    """The click command of the Typer command ``info`` (``path``: "spend add"), with the
    global options added, telling the State its name when it runs (for the role check)."""
    import copy

    cmd = typer.main.get_command_from_info(info, pretty_exceptions_short=app.pretty_exceptions_short,
                                           rich_markup_mode=app.rich_markup_mode)
    localize(cmd)
    own = {opt for p in cmd.params for opt in p.opts}
    for option in _SHARED:
        if option.opts[0] not in own:
            twin = copy.copy(option)
            twin.expose_value = False
            twin.is_eager = option.name == "lang"  # so an error in --as-of speaks it
            twin.callback = _set_global
            cmd.params.append(twin)
    _name_when_run(cmd, path)
    return cmd


def _listed_command(info):
    """What a group's command list needs of the command ``info``: its help texts, as Typer
    would give them to the command it builds (typer.main.get_command_from_info)."""
    import inspect

    text = inspect.getdoc(info.callback) if info.help is None else inspect.cleandoc(info.help)
    cmd = typer.core.TyperCommand(None, help=text, short_help=info.short_help, hidden=info.hidden,
                         deprecated=info.deprecated)
    localize(cmd)
    return cmd


def _listed_group(solved):
    cmd = typer.core.TyperCommand(None, help=solved.help, short_help=solved.short_help,
                         hidden=solved.hidden, deprecated=solved.deprecated)
    localize(cmd)
    return cmd


class _Lazy(MutableMapping):
    """A group's commands by name, in the order they were registered: each built on first
    access (``build``); while the group lists them (``listing``), the ones not yet built are
    given as stand-ins holding their help texts only."""

    def __init__(self) -> None:
        self._build: dict[str, Callable] = {}
        self._stand_in: dict[str, Callable] = {}
        self._built: dict = {}
        self._listing = False

    def add(self, name: str, build: Callable, stand_in: Callable) -> None:
        self._build[name] = build
        self._stand_in[name] = stand_in

    @contextmanager
    def listing(self):
        self._listing = True
        try:
            yield
        finally:
            self._listing = False

    def __getitem__(self, name: str):
        if name in self._built:
            return self._built[name]
        if name not in self._build:
            raise KeyError(name)
        if self._listing:
            return self._stand_in[name]()
        cmd = self._built[name] = self._build[name]()
        return cmd

    def __setitem__(self, name: str, cmd) -> None:  # click's add_command
        self._build.setdefault(name, lambda: cmd)
        self._stand_in.setdefault(name, lambda: cmd)
        self._built[name] = cmd

    def __delitem__(self, name: str) -> None:
        for d in (self._build, self._stand_in, self._built):
            d.pop(name, None)

    def __iter__(self):
        return iter(self._build)

    def __len__(self) -> int:
        return len(self._build)


def _commands(group):
    """The commands under ``group``, in groups or not (not the groups themselves); walking
    them builds them."""
    for cmd in group.commands.values():
        if hasattr(cmd, "commands"):
            yield from _commands(cmd)
        else:
            yield cmd


def _named(group, prefix: str = ""):
    """(``"spend add"``, command) for every command under ``group``."""
    for name, cmd in group.commands.items():
        path = f"{prefix}{name}"
        if hasattr(cmd, "commands"):
            yield from _named(cmd, path + " ")
        else:
            yield path, cmd


def _name_when_run(cmd, path: str) -> None:
    """The State learns which command runs (for the role check), just before it does."""
    invoke = cmd.invoke

    def named_invoke(ctx):
        state(ctx).command = path
        return invoke(ctx)

    cmd.invoke = named_invoke


def _set_global(ctx, param, value: str | None) -> None:
    if value is not None:
        if param.name == "lang":
            state(ctx).use_lang(value)
        else:
            state(ctx).use_as_of(value)


# --- argument helpers -----------------------------------------------------------------------
_OPTION_FIELDS = {"--as-of": "as_of", "--date": "date", "--planned": "planned",
                  "--actual": "actual"}


def parse_date(text: str, option: str = "--date", field: str | None = None):
    """A date as officers write it (with its year; one reading only); a usage error (exit 2)
    naming the field (``field``, else the option's), the option and what was typed otherwise
    (projtrack.typed)."""
    from projtrack.typed import read_date

    return read_date(text, field or _OPTION_FIELDS.get(option, "date"), option=option,
                     exit_code=2)


def parse_amount(text: str, field: str = "amount", *, allow_negative: bool = False):
    """An amount in 万元 as officers write it (1,200.5, １２００; a comma groups three digits);
    bad data (exit 1) naming the field and what was typed otherwise."""
    from projtrack.typed import read_amount

    return read_amount(text, field, allow_negative=allow_negative)


MAX_LIMIT = 1_000_000


def check_limit(limit: int) -> None:
    """A ``--limit`` from 1 to MAX_LIMIT; a usage error (exit 2) naming it otherwise."""
    if not 1 <= limit <= MAX_LIMIT:
        raise BadUsage("err.bad_limit", found=limit, max=f"{MAX_LIMIT:,}")


def wan(value) -> str:
    """An amount in 万元 as the CLI prints it."""
    from projtrack.core.money import format_wan

    return format_wan(value)
