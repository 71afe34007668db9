"""Roles on a shared PostgreSQL database (migrations 0011 and 0012): who this session is,
what its grant allows, and the user every row records.

The database enforces the roles (row-level security, grants, and a trigger that sets each row's
user to ``session_user``); this module only reads them, so that projtrack can say what a login
may do before it tries, and writes the grants (``projtrack db grant``), as the owner.

The recorded user: on PostgreSQL every row names the login that made it — a person's own login
with a role, the schema's owner, a superuser alike — set by the database's trigger whatever the
client sent.  Every INSERT projtrack makes into a table with a user column carries the
session's ``session_user`` — read once per connection (``on_connect``) — so that the hash the
chain computes (``store.chain.stamp``) is over the value the database stores.  ``db copy`` and
its ``--merge`` move rows made elsewhere and keep their users (``keep_users``: a setting of
the copy's transaction that the trigger honours for the schema's owner only).  SQLite, which
has no logins, records the OS user.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Table, text
from sqlalchemy.engine import Connection
from sqlalchemy.sql.dml import Insert

ROLES = ("leader", "officer", "reporter")
ADMIN = "admin"  # the schema's owner or a superuser: RLS does not apply to them
GROUP = {r: f"projtrack_{r}" for r in ROLES}  # the NOLOGIN group roles holding the privileges

# table → the columns that name who made the row on INSERT (migration 0011's WHO)
WHO_COLUMNS = {
    "ledger_entry": ("created_by",), "progress_entry": ("created_by",), "audit_log": ("user",),
    "report_snapshot": ("issued_by",), "issue": ("created_by",), "issue_update": ("created_by",),
    "import_run": ("user",), "baseline": ("created_by",), "budget_change": ("proposed_by",),
}
LOGIN, OWNER = "projtrack_login", "projtrack_owner"  # keys of a connection's info
KEEP_USERS = "projtrack_keep_users"  # the execution option of a copy's connection (keep_users)


def on_connect(dbapi_connection, record) -> None:
    """Remember the session's login and whether it owns the schema (or is a superuser; a
    database without the schema yet: its creator)."""
    cur = dbapi_connection.cursor()
    cur.execute("SELECT session_user, coalesce(pg_has_role(session_user, (SELECT relowner FROM "
                "pg_class WHERE oid = to_regclass('project')), 'MEMBER'), true)")
    login, owner = cur.fetchone()
    cur.close()
    record.info[LOGIN], record.info[OWNER] = login, bool(owner)


def login_of(conn: Connection) -> str | None:
    """The PostgreSQL login of ``conn`` (None on SQLite)."""
    return conn.info.get(LOGIN)


def owns(conn: Connection) -> bool:
    """Whether ``conn``'s login bypasses row-level security (SQLite: always)."""
    return conn.info.get(OWNER, True)


_WHO: dict[Table, tuple[str, ...]] = {}


def before_execute(conn, clauseelement, multiparams, params, execution_options):
    """The engine event (``retval=True``, before the chain's): an INSERT into a table with a
    user column carries the session's login — what the database's trigger will store
    (PostgreSQL) — except on a connection that keeps the users of the rows it copies."""
    login = conn.info.get(LOGIN)
    if login is None or execution_options.get(KEEP_USERS) or not isinstance(clauseelement, Insert):
        return clauseelement, multiparams, params
    if not _WHO:
        from projtrack.store.models import metadata

        _WHO.update({metadata.tables[n]: cols for n, cols in WHO_COLUMNS.items()})
    columns = _WHO.get(clauseelement.table)
    if columns is None or clauseelement._values or clauseelement.select is not None:
        return clauseelement, multiparams, params
    name = clauseelement.table.name
    if not conn.execute(text("SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = "
                             "to_regclass(:t) AND tgname = :n)"),
                        {"t": name, "n": f"{name}_who"}).scalar_one():
        return clauseelement, multiparams, params  # an older schema's: stored as sent
    rows = [dict(r) for r in (multiparams or [params])]
    for row in rows:
        for c in columns:
            row[c] = login
    if multiparams:
        return clauseelement, rows, {}
    return clauseelement, [], rows[0]


def keep_users(conn: Connection) -> Connection:
    """``conn`` (in its transaction, the schema's owner's: ``db copy``, ``--merge``) made to keep
    the user every row it inserts carries: projtrack does not stamp its login on them, and on
    PostgreSQL ``projtrack.keep_users`` is set for this transaction only, which the trigger of
    migration 0012 honours when ``session_user`` owns the table (or is a superuser) — any other
    login's rows are still recorded as its own, and projtrack stamps them so (``conn`` is then
    left as it is)."""
    if not owns(conn):
        return conn
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL projtrack.keep_users = 'on'")
    return conn.execution_options(**{KEEP_USERS: True})


def recorded_user(conn: Connection) -> str:
    """The user a row ``conn`` inserts is recorded as: its PostgreSQL login (the database sets
    it), else the OS user (SQLite)."""
    from projtrack.store.repo import os_user

    return conn.info.get(LOGIN) or os_user()


@dataclass(frozen=True)
class Grant:
    """One row of ``access_grant``: a login's role in a county ('' = every county), and a
    reporter's township or unit ('' = none)."""

    login: str
    role: str
    county: str = ""
    township: str = ""
    unit: str = ""


@dataclass(frozen=True)
class Access:
    """What the session's login may do: ``role`` is ADMIN (owner, superuser, or SQLite), one of
    ROLES, or None (a login without a grant: it sees nothing)."""

    login: str
    role: str | None
    grants: tuple[Grant, ...] = ()
    postgres: bool = False

    @property
    def counties(self) -> tuple[str, ...]:
        """The counties it reads ('' = every county)."""
        return tuple(dict.fromkeys(g.county for g in self.grants))


def access(conn: Connection, os_user: str) -> Access:
    """The Access of ``conn``'s session."""
    if conn.dialect.name != "postgresql":
        return Access(os_user, ADMIN)
    login = conn.info.get(LOGIN) or conn.execute(text("SELECT session_user")).scalar_one()
    if conn.execute(text("SELECT coalesce(pg_has_role(session_user, (SELECT relowner FROM "
                         "pg_class WHERE oid = to_regclass('project')), 'MEMBER'), true)")
                    ).scalar_one():
        return Access(login, ADMIN, postgres=True)
    rows = conn.execute(text("SELECT login, role, county, township, unit FROM access_grant "
                             "WHERE login = session_user ORDER BY county, township, unit")).all()
    grants = tuple(Grant(*r) for r in rows)
    return Access(login, grants[0].role if grants else None, grants, postgres=True)


def grants(conn: Connection) -> list[Grant]:
    """Every row of ``access_grant``, by login."""
    return [Grant(*r) for r in conn.execute(text(
        "SELECT login, role, county, township, unit FROM access_grant "
        "ORDER BY login, county, township, unit"))]


# --- writing grants (the schema's owner, with CREATEROLE) ----------------------------------------
# the database writes these itself: the sums (0004's trigger), the chain's heads (0012's)
_NO_WRITE = ("access_grant", "alembic_version", "ledger_year", "ledger_month", "chain_head")
REPORTER_WRITES = {"INSERT": ("ledger_entry", "progress_entry", "audit_log", "import_run",
                              "milestone"),
                   "UPDATE": ("milestone",)}


class CannotCreateRole(Exception):
    """The owner's login may not create or grant roles (no CREATEROLE): the server's words."""


def _q(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote_identifier(name)


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _role_exists(conn: Connection, name: str) -> tuple[bool, bool] | None:
    """(can log in, is a superuser) of the cluster's role ``name``, or None."""
    row = conn.execute(text("SELECT rolcanlogin, rolsuper FROM pg_roles WHERE rolname = :n"),
                       {"n": name}).first()
    return (bool(row[0]), bool(row[1])) if row is not None else None


def _privileged(conn: Connection, sql: str) -> None:
    """A statement that needs CREATEROLE, in a savepoint: CannotCreateRole when refused."""
    from sqlalchemy.exc import DBAPIError

    try:
        with conn.begin_nested():
            conn.exec_driver_sql(sql)
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) == "42501":
            raise CannotCreateRole(str(exc.orig).splitlines()[0]) from exc
        raise


def ensure_groups(conn: Connection) -> None:
    """The group roles (NOLOGIN) and their privileges on this database's tables: SELECT for
    every role; an officer writes every table but the grants and what the database keeps
    itself (the sums, the chain's heads); a reporter inserts entries, progress, milestones,
    audit rows and returns.  Into a chained table (``store.chain.TABLES``) a login inserts
    every column but ``id``: the sequence numbers its rows, so they join the chain at its end
    (a row given an id of its own could come before rows written later)."""
    from projtrack.store.chain import TABLES as CHAINED
    from projtrack.store.models import metadata

    for group in GROUP.values():
        if _role_exists(conn, group) is None:
            _privileged(conn, f"CREATE ROLE {_q(conn, group)} NOLOGIN")
    schema = conn.execute(text("SELECT quote_ident(current_schema())")).scalar_one()
    groups = ", ".join(_q(conn, g) for g in GROUP.values())
    tables = [t for t in metadata.tables if t != "alembic_version"] + ["alembic_version"]
    conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA {schema} TO {groups}")
    conn.exec_driver_sql(f"GRANT SELECT ON {', '.join(tables)} TO {groups}")
    writers = ", ".join(_q(conn, GROUP[r]) for r in ("officer", "reporter"))
    conn.exec_driver_sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {writers}")
    officer = [t for t in tables if t not in _NO_WRITE]
    inserts = {"officer": [t for t in officer if t not in CHAINED],
               "reporter": [t for t in REPORTER_WRITES["INSERT"] if t not in CHAINED]}
    chained = {"officer": [t for t in officer if t in CHAINED],
               "reporter": [t for t in REPORTER_WRITES["INSERT"] if t in CHAINED]}
    officer_group = _q(conn, GROUP["officer"])
    conn.exec_driver_sql(f"GRANT INSERT ON {', '.join(inserts['officer'])} TO {officer_group}")
    conn.exec_driver_sql(f"GRANT UPDATE, DELETE ON {', '.join(officer)} TO {officer_group}")
    conn.exec_driver_sql(f"GRANT INSERT ON {', '.join(inserts['reporter'])} "
                         f"TO {_q(conn, GROUP['reporter'])}")
    conn.exec_driver_sql(f"GRANT UPDATE ON {', '.join(REPORTER_WRITES['UPDATE'])} "
                         f"TO {_q(conn, GROUP['reporter'])}")
    for role, names in chained.items():
        group = _q(conn, GROUP[role])
        for name in names:
            columns = ", ".join(_q(conn, c.name) for c in metadata.tables[name].columns
                                if c.name != "id")
            # a table-wide INSERT (0011's) would let the id through: taken back first
            conn.exec_driver_sql(f"REVOKE INSERT ON {name} FROM {group}")
            conn.exec_driver_sql(f"GRANT INSERT ({columns}) ON {name} TO {group}")


def login_state(conn: Connection, login: str) -> tuple[bool, bool] | None:
    """(can log in, is a superuser) of ``login``, or None when the cluster has no such role."""
    return _role_exists(conn, login)


def owns_schema(conn: Connection, login: str) -> bool:
    """Whether ``login`` owns the schema (or is a superuser): no grant applies to it."""
    return bool(conn.execute(text(
        "SELECT coalesce(pg_has_role(:l, (SELECT relowner FROM pg_class "
        "WHERE oid = to_regclass('project')), 'MEMBER'), false)"), {"l": login}).scalar_one())


def write_grant(conn: Connection, login: str, role: str, rows: list[Grant],
                password: str | None, create: bool) -> None:
    """Make ``login`` (when ``create``) with ``password`` (sent to the server as a SCRAM
    verifier, never as text), give it the group role of ``role`` only, and replace its rows of
    ``access_grant`` with ``rows``."""
    ensure_groups(conn)
    name = _q(conn, login)
    if create:
        _privileged(conn, f"CREATE ROLE {name} LOGIN")
    if password is not None:
        pgconn = conn.connection.dbapi_connection.pgconn  # type: ignore[union-attr]
        verifier = pgconn.encrypt_password(password.encode(), login.encode(),
                                           b"scram-sha-256").decode()
        _privileged(conn, f"ALTER ROLE {name} PASSWORD {_literal(verifier)}")
    for r, group in GROUP.items():
        if r != role:
            _privileged(conn, f"REVOKE {_q(conn, group)} FROM {name}")
    _privileged(conn, f"GRANT {_q(conn, GROUP[role])} TO {name}")
    conn.execute(text("DELETE FROM access_grant WHERE login = :l"), {"l": login})
    conn.execute(text("INSERT INTO access_grant (login, role, county, township, unit) "
                      "VALUES (:login, :role, :county, :township, :unit)"),
                 [vars(g) for g in rows])


def remove_grant(conn: Connection, login: str) -> int:
    """Take ``login``'s group roles and ``access_grant`` rows away (the login itself stays);
    how many rows it had."""
    if _role_exists(conn, login) is not None:
        for group in GROUP.values():
            if _role_exists(conn, group) is not None:
                _privileged(conn, f"REVOKE {_q(conn, group)} FROM {_q(conn, login)}")
    return conn.execute(text("DELETE FROM access_grant WHERE login = :l"),
                        {"l": login}).rowcount


# --- through a Store (the services' door) -------------------------------------------------------
def store_access(store) -> Access:
    """The Access of ``store``'s sessions (a Store)."""
    from projtrack.store.repo import os_user

    if store.engine.dialect.name != "postgresql":
        return Access(os_user(), ADMIN)
    with store.read() as session:
        return access(session.connection(), os_user())


def store_login_exists(store, login: str) -> bool:
    with store.read() as session:
        return login_state(session.connection(), login) is not None


def store_grant(store, login: str, role: str, rows: list[Grant], password, *,
                audit: str) -> bool:
    """``write_grant`` in one write transaction of ``store``, audited as ``audit`` (never the
    password); ``password(new)`` gives the password, asked once the login's state is known.
    Whether the login was made."""
    from projtrack.errors import AccessRefused, BadUsage
    from projtrack.store.repo import record_audit

    with store.write() as session:
        conn = session.connection()
        state = login_state(conn, login)
        if state is not None and (state[1] or owns_schema(conn, login)):
            raise BadUsage("err.roles_owner_login", login=login)
        secret = password(state is None)
        if state is None and secret is None:
            raise BadUsage("err.roles_new_needs_password", login=login)
        try:
            write_grant(conn, login, role, rows, secret, create=state is None)
        except CannotCreateRole as exc:
            raise AccessRefused("err.roles_createrole", login=login_of(conn) or "?",
                                why=str(exc)) from exc
        record_audit(session, action="grant", entity="access_grant", entity_id=None,
                     project_id=None, field=login,
                     new=audit + (" (password set)" if secret is not None else ""))
    return state is None


def store_revoke(store, login: str) -> int:
    """``remove_grant`` in one audited write transaction; BadData when it had no grant."""
    from projtrack.errors import AccessRefused, BadData
    from projtrack.store.repo import record_audit

    with store.write() as session:
        conn = session.connection()
        try:
            removed = remove_grant(conn, login)
        except CannotCreateRole as exc:
            raise AccessRefused("err.roles_createrole", login=login_of(conn) or "?",
                                why=str(exc)) from exc
        if removed == 0:
            raise BadData("err.roles_no_grant", login=login)
        record_audit(session, action="revoke", entity="access_grant", entity_id=None,
                     project_id=None, field=login, old=str(removed))
    return removed


def store_grants(store) -> list[tuple[Grant, bool]]:
    """Every grant row, with whether its login can log in."""
    with store.read() as session:
        conn = session.connection()
        states: dict[str, bool] = {}
        out = []
        for g in grants(conn):
            if g.login not in states:
                state = login_state(conn, g.login)
                states[g.login] = bool(state and state[0])
            out.append((g, states[g.login]))
        return out


__all__ = ["ADMIN", "Access", "CannotCreateRole", "GROUP", "Grant", "ROLES", "WHO_COLUMNS", "access",
           "grants", "keep_users", "login_of", "login_state", "on_connect", "owns", "owns_schema",
           "recorded_user", "remove_grant", "store_access", "store_grant", "store_grants",
           "store_login_exists", "store_revoke", "write_grant"]
