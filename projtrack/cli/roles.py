"""Roles on a shared PostgreSQL server: ``db grant LOGIN --role …``, ``db revoke LOGIN``,
``db roles`` (projtrack.services.roles).  A password is prompted for twice without echo, or read
from standard input with ``--password-stdin``; never an argument, never printed or audited."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from projtrack.cli.app import db_app, state
from projtrack.errors import BadUsage
from projtrack.i18n import t


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        text = sys.stdin.readline().rstrip("\r\n")
    else:
        import getpass

        text = getpass.getpass(t("prompt.password"))
        if getpass.getpass(t("prompt.password_again")) != text:
            raise BadUsage("err.password_mismatch")
    if not text:
        raise BadUsage("err.password_empty")
    return text


@db_app.command("grant", help=t("cli.help.db_grant"))
def db_grant(
    ctx: typer.Context,
    login: Annotated[str, typer.Argument(help=t("cli.opt.grant.login"))],
    role: Annotated[str, typer.Option("--role", help=t("cli.opt.grant.role"))],
    county: Annotated[list[str] | None, typer.Option("--county",
                                                     help=t("cli.opt.grant.county"))] = None,
    unit: Annotated[str | None, typer.Option("--unit", help=t("cli.opt.grant.unit"))] = None,
    township: Annotated[str | None, typer.Option("--township",
                                                 help=t("cli.opt.grant.township"))] = None,
    password: Annotated[bool, typer.Option("--password", help=t("cli.opt.grant.password"))] = False,
    password_stdin: Annotated[bool, typer.Option("--password-stdin",
                                                 help=t("cli.opt.grant.password_stdin"))] = False,
) -> None:
    """Create or update a PostgreSQL login and its projtrack role."""
    from projtrack.services.roles import grant

    def password_of(new: bool) -> str | None:
        if password or password_stdin or new:
            return _read_password(password_stdin)
        return None

    made = grant(state(ctx).store, login, role, counties=list(county or []), township=township,
                 unit=unit, password=password_of)
    typer.echo(t("msg.role_granted_new" if made else "msg.role_granted", login=login.strip(),
                 role=t(f"role.{role}"),
                 counties="、".join(county or []) or t("role.every_county")))


@db_app.command("revoke", help=t("cli.help.db_revoke"))
def db_revoke(
    ctx: typer.Context,
    login: Annotated[str, typer.Argument(help=t("cli.opt.grant.login"))],
) -> None:
    """Take a login's projtrack role away (the login stays and sees nothing)."""
    from projtrack.services.roles import revoke

    revoke(state(ctx).store, login)
    typer.echo(t("msg.role_revoked", login=login))


@db_app.command("roles", help=t("cli.help.db_roles"))
def db_roles(ctx: typer.Context) -> None:
    """List the logins that have a projtrack role."""
    from projtrack.services.roles import roles

    found = roles(state(ctx).store)
    if not found:
        typer.echo(t("msg.roles_none"))
        return
    for r in found:
        scope = r.township and t("role.scope_township", name=r.township) \
            or r.unit and t("role.scope_unit", name=r.unit) or ""
        counties = "、".join(c or t("role.every_county") for c in r.counties)
        line = f"{r.login:<16} {t(f'role.{r.role}'):<6} {counties}  {scope}".rstrip()
        if not r.can_login:
            line += "  " + t("role.cannot_login")
        typer.echo(line)
