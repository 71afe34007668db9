"""Who is at the database and what they may do: the roles of DOMAIN.md ("Several counties,
several people") on a shared PostgreSQL server, and the administrator's ``db grant`` /
``db revoke`` / ``db roles``.

The database enforces the roles (migrations 0011 and 0012: grants, row-level security, the
user every row records — the login, whoever it is); projtrack reads them once (``whoami``) so that a front end can refuse a forbidden action
before it tries, with a message naming the login, its role and what was refused
(``require``), and hide or disable what the login may not use.  On SQLite there are no logins:
everyone is the administrator, and the OS user is recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from projtrack.errors import AccessRefused, BadUsage
from projtrack.store.repo import Store
from projtrack.store.roles import (
    ADMIN,
    ROLES,
    Access,
    Grant,
    store_access,
    store_grant,
    store_grants,
    store_login_exists,
    store_revoke,
)

__all__ = ["ADMIN", "Access", "Grant", "LoginRoles", "NEEDS", "ROLES", "allows", "grant",
           "login_exists", "may_fill", "require", "require_fill", "revoke", "roles", "whoami"]

# what each kind of action needs: read (every role), entry (money, progress, milestones:
# officer and reporter), officer (every other write), admin (the schema's owner)
NEEDS = ("read", "entry", "officer", "admin")
_ALLOWED = {ADMIN: set(NEEDS), "officer": {"read", "entry", "officer"},
            "reporter": {"read", "entry"}, "leader": {"read"}}


def whoami(store: Store) -> Access:
    """The login of this store's sessions and what its grant allows (SQLite: the OS user, the
    administrator)."""
    cached = getattr(store, "_projtrack_access", None)
    if cached is not None:
        return cached
    found = store_access(store)
    store._projtrack_access = found  # type: ignore[attr-defined]
    return found


def allows(who: Access, need: str) -> bool:
    """Whether ``who`` may do an action that needs ``need`` (one of NEEDS)."""
    return need in _ALLOWED.get(who.role or "", set())


def require(store: Store, need: str, what: str) -> Access:
    """The Access of the store's login, when it allows ``need``; else AccessRefused naming the
    login, its role and ``what`` (the command or action), exit 1, before anything is tried."""
    who = whoami(store)
    if who.role is None:
        raise AccessRefused("err.role_none", login=who.login)
    if not allows(who, need):
        from projtrack.i18n import t

        raise AccessRefused("err.role_refused", login=who.login, role=t(f"role.{who.role}"),
                            what=what, may=t(f"role.may.{who.role}"))
    return who


def require_fill(store: Store, facts, action: str) -> None:
    """AccessRefused, before anything is written, when the store's login may not record money,
    progress or milestones for the project of ``facts`` (a ProjectFacts); ``action`` is the
    ``ui.action.`` key of what was tried."""
    from projtrack.i18n import t

    what = t(f"ui.action.{action}")
    who = require(store, "entry", what)
    if not may_fill(who, facts.county, facts.township, facts.responsible_unit):
        raise AccessRefused("err.role_refused", login=who.login, role=t(f"role.{who.role}"),
                            what=f"{what} · {facts.name}", may=t(f"role.may.{who.role}"))


def may_fill(who: Access, county: str, township: str | None, unit: str | None) -> bool:
    """Whether ``who`` may record money, progress and milestones for a project of ``county``,
    ``township`` and responsible ``unit`` (as migration 0011's policies answer)."""
    if who.role == ADMIN:
        return True
    for g in who.grants:
        if g.county not in ("", county):
            continue
        if g.role == "officer":
            return True
        if g.role == "reporter" and ((g.township and g.township == township)
                                     or (g.unit and g.unit == unit)):
            return True
    return False


# --- the administrator's commands -------------------------------------------------------------
@dataclass(frozen=True)
class LoginRoles:
    """A login's role and scope, as ``db roles`` lists them."""

    login: str
    role: str
    counties: tuple[str, ...]
    township: str
    unit: str
    can_login: bool


def _postgres_admin(store: Store) -> Access:
    if store.engine.dialect.name != "postgresql":
        raise BadUsage("err.roles_need_pg")
    who = whoami(store)
    if who.role != ADMIN:
        raise AccessRefused("err.roles_not_owner", login=who.login)
    return who


MAX_NAME = 63  # bytes PostgreSQL keeps of a name


def _check_login(login: str) -> str:
    name = login.strip()
    if not name or len(name.encode()) > MAX_NAME or name.lower().startswith(("pg_", "projtrack_")) \
            or any(c in name for c in "\"'\\\n\t "):
        raise BadUsage("err.roles_bad_login", found=login, max=MAX_NAME)
    return name


def grant(store: Store, login: str, role: str, *, counties: list[str], township: str | None,
          unit: str | None, password: Callable[[bool], str | None]) -> bool:
    """Give ``login`` the ``role`` in ``counties`` (a leader may have several; none: every
    county), for a reporter the ``township`` or ``unit`` whose projects they fill in; make the
    login when the cluster has none.  ``password(new)`` is asked, once everything else was
    checked, for the login's password (``new``: the login is being made and needs one; None:
    keep the one it has); it is sent to the server as a SCRAM verifier, never stored, printed
    or audited.  Whether the login was made."""
    _postgres_admin(store)
    login = _check_login(login)
    if role not in ROLES:
        raise BadUsage("err.roles_bad_role", found=role, roles=", ".join(ROLES))
    counties = list(dict.fromkeys(c.strip() for c in counties if c.strip()))
    township, unit = (township or "").strip(), (unit or "").strip()
    if role == "reporter":
        if len(counties) != 1 or bool(township) == bool(unit):
            raise BadUsage("err.roles_reporter_scope")
    elif township or unit:
        raise BadUsage("err.roles_scope_only_reporter", role=role)
    elif role == "officer" and len(counties) != 1:
        raise BadUsage("err.roles_officer_county")
    rows = [Grant(login, role, c, township, unit) for c in (counties or [""])]
    audit = f"{role} county={','.join(counties) or '*'} township={township} unit={unit}"
    return store_grant(store, login, role, rows, password, audit=audit)


def login_exists(store: Store, login: str) -> bool:
    """Whether the server has a role named ``login`` (PostgreSQL, as its administrator)."""
    _postgres_admin(store)
    return store_login_exists(store, login.strip())


def revoke(store: Store, login: str) -> int:
    """Take ``login``'s role away (the login stays, and sees nothing); how many grant rows it
    had (none: BadData)."""
    _postgres_admin(store)
    return store_revoke(store, login.strip())


def roles(store: Store) -> list[LoginRoles]:
    """Every login that has a role, with its counties and scope."""
    _postgres_admin(store)
    out: dict[str, LoginRoles] = {}
    for g, can_login in store_grants(store):
        seen = out.get(g.login)
        counties = (seen.counties if seen else ()) + (g.county,)
        out[g.login] = LoginRoles(g.login, g.role, counties, g.township, g.unit, can_login)
    return list(out.values())
