"""roles the database enforces: ``access_grant``, row-level security, the recorded user

- ``access_grant`` (both engines; empty on SQLite, which has no logins): a login's role —
  leader (reads its counties), officer (writes its county), reporter (writes the money,
  progress and milestones of its township's or responsible unit's projects) — and its scope.
- PostgreSQL only, the rest:
  - SECURITY DEFINER functions (search_path pinned) that answer for ``session_user`` from
    ``access_grant``: its role, the projects it may read, the projects it may write as an
    officer, and those it may fill in (officer, or reporter of their township or unit).
  - Row-level security on every table holding project data, with policies TO PUBLIC using
    them.  The schema's owner (who ran ``db upgrade``) and superusers bypass RLS, as
    PostgreSQL does, so a single-login deployment works as before; any other login sees and
    writes only what its grant allows, and nothing without one.  The table privileges
    themselves are granted to the group roles projtrack_leader/officer/reporter by
    ``projtrack db grant`` (roles are cluster-wide; a migration may not create them).
  - The user each row records (``created_by``, ``user``, ``issued_by``, ``proposed_by``; on an
    update ``decided_by`` and ``undone_by``) is set by a BEFORE trigger to ``session_user`` for
    every login but the owner's: a client cannot claim to be someone else.  The owner's
    rows are stamped with ``session_user`` by projtrack itself (``store.roles``), and ``db
    copy`` (run by the owner) keeps the rows it copies as they were.
  - The trigger that keeps ledger_year / ledger_month (0004) runs as its owner, so a reporter's
    entry moves the sums it may not write itself.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0011'
down_revision: Union[str, None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# table → (columns set on INSERT, columns set when an UPDATE changes them)
WHO = {
    "ledger_entry": (("created_by",), ()),
    "progress_entry": (("created_by",), ()),
    "audit_log": (("user",), ()),
    "report_snapshot": (("issued_by",), ()),
    "issue": (("created_by",), ()),
    "issue_update": (("created_by",), ()),
    "import_run": (("user",), ("undone_by",)),
    "baseline": (("created_by",), ()),
    "budget_change": (("proposed_by",), ("decided_by",)),
}

_READ = "project_id IN (SELECT projtrack_readable_projects())"
_OFFICER = "project_id IN (SELECT projtrack_officer_projects())"
_ENTRY = "project_id IN (SELECT projtrack_entry_projects())"
_ANY_ROLE = "projtrack_role() IS NOT NULL"
_IS_OFFICER = "projtrack_role() = 'officer'"

# table → {command: expression}; SELECT's USING, INSERT's WITH CHECK, UPDATE's and DELETE's USING
# (an UPDATE's WITH CHECK is its USING)
POLICIES: dict[str, dict[str, str]] = {
    "project": {"SELECT": "projtrack_county_readable(county)",
                "INSERT": "projtrack_county_officer(county)",
                "UPDATE": "projtrack_county_officer(county)",
                "DELETE": "projtrack_county_officer(county)"},
    **{t: {"SELECT": _READ, "INSERT": _OFFICER, "UPDATE": _OFFICER, "DELETE": _OFFICER}
       for t in ("annual_plan", "funding_plan", "issue", "issue_update", "budget_change",
                 "baseline_project", "baseline_plan", "baseline_milestone")},
    **{t: {"SELECT": _READ, "INSERT": _ENTRY} for t in ("ledger_entry", "progress_entry")},
    "milestone": {"SELECT": _READ, "INSERT": _ENTRY, "UPDATE": _ENTRY, "DELETE": _OFFICER},
    "ledger_year": {"SELECT": _READ},
    "ledger_month": {"SELECT": _READ},
    "audit_log": {"SELECT": f"project_id IS NULL OR {_READ}",
                  "INSERT": f"projtrack_role() IN ('officer', 'reporter') AND "
                            f"(project_id IS NULL OR {_ENTRY})"},
    "import_run": {"SELECT": "projtrack_county_readable(county)",
                   "INSERT": "projtrack_county_officer(county) OR "
                             "(kind <> 'annex' AND projtrack_role() = 'reporter')",
                   "UPDATE": "projtrack_county_officer(county)"},
    "budget_change_line": {
        "SELECT": "change_id IN (SELECT id FROM budget_change)",
        "INSERT": "change_id IN (SELECT id FROM budget_change "
                  "WHERE project_id IN (SELECT projtrack_officer_projects()))",
        "DELETE": "change_id IN (SELECT id FROM budget_change "
                  "WHERE project_id IN (SELECT projtrack_officer_projects()))"},
    "report_snapshot": {"SELECT": _ANY_ROLE, "INSERT": _IS_OFFICER},
    "setting": {"SELECT": _ANY_ROLE, "INSERT": _IS_OFFICER, "UPDATE": _IS_OFFICER,
                "DELETE": _IS_OFFICER},
    "baseline": {"SELECT": _ANY_ROLE, "INSERT": _IS_OFFICER, "UPDATE": _IS_OFFICER},
    "chain_head": {"SELECT": _ANY_ROLE,
                   "INSERT": "projtrack_role() IN ('officer', 'reporter')",
                   "UPDATE": "projtrack_role() IN ('officer', 'reporter')"},
}

_GRANTS = "access_grant g WHERE g.login = session_user"


def _functions(schema: str) -> list[str]:
    pin = f"SET search_path = {schema}, pg_temp"
    definer = f"LANGUAGE sql STABLE SECURITY DEFINER {pin}"
    mine = f"JOIN access_grant g ON g.login = session_user AND (g.county = '' OR g.county = p.county)"
    return [
        f"CREATE FUNCTION projtrack_role() RETURNS text {definer} AS "
        f"$$ SELECT min(g.role) FROM {_GRANTS} $$",
        f"CREATE FUNCTION projtrack_county_readable(c text) RETURNS boolean {definer} AS "
        f"$$ SELECT EXISTS (SELECT 1 FROM {_GRANTS} AND (g.county = '' OR g.county = c)) $$",
        f"CREATE FUNCTION projtrack_county_officer(c text) RETURNS boolean {definer} AS "
        f"$$ SELECT EXISTS (SELECT 1 FROM {_GRANTS} AND g.role = 'officer' "
        "AND (g.county = '' OR g.county = c)) $$",
        f"CREATE FUNCTION projtrack_readable_projects() RETURNS SETOF integer {definer} AS "
        f"$$ SELECT p.id FROM project p {mine} $$",
        f"CREATE FUNCTION projtrack_officer_projects() RETURNS SETOF integer {definer} AS "
        f"$$ SELECT p.id FROM project p {mine} AND g.role = 'officer' $$",
        f"CREATE FUNCTION projtrack_entry_projects() RETURNS SETOF integer {definer} AS "
        f"$$ SELECT p.id FROM project p {mine} AND (g.role = 'officer' OR (g.role = 'reporter' "
        "AND ((g.township <> '' AND g.township = p.township) "
        "OR (g.unit <> '' AND g.unit = p.responsible_unit)))) $$",
        # the chain's last hash, whatever rows the caller may see (store.chain.stamp)
        "CREATE FUNCTION projtrack_last_hash(t text) RETURNS text LANGUAGE plpgsql STABLE "
        f"SECURITY DEFINER {pin} AS $$ DECLARE h text; BEGIN "
        "IF t NOT IN ('ledger_entry', 'progress_entry', 'audit_log', 'report_snapshot', "
        "'issue', 'issue_update') THEN RAISE EXCEPTION 'no chain %', t; END IF; "
        "EXECUTE format('SELECT row_hash FROM %I ORDER BY id DESC LIMIT 1', t) INTO h; "
        "RETURN coalesce(h, ''); END $$",
        # who made a row: session_user, for every login but the owner's (see the docstring);
        # arguments 'set:col' (an INSERT's), 'keep:col' and 'changed:col' (an UPDATE's)
        "CREATE FUNCTION projtrack_who() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "DECLARE arg text; col text; BEGIN "
        "IF coalesce(pg_has_role(session_user, (SELECT relowner FROM pg_class "
        "WHERE oid = TG_RELID), 'MEMBER'), true) THEN RETURN NEW; END IF; "
        "FOREACH arg IN ARRAY TG_ARGV LOOP col := split_part(arg, ':', 2); "
        "IF split_part(arg, ':', 1) = 'set' OR (split_part(arg, ':', 1) = 'changed' AND "
        "(to_jsonb(NEW) -> col) IS DISTINCT FROM (to_jsonb(OLD) -> col)) THEN "
        "NEW := jsonb_populate_record(NEW, jsonb_build_object(col, session_user::text)); "
        "ELSIF split_part(arg, ':', 1) = 'keep' THEN "
        "NEW := jsonb_populate_record(NEW, jsonb_build_object(col, to_jsonb(OLD) -> col)); "
        "END IF; END LOOP; RETURN NEW; END $$",
    ]


FUNCTIONS = ("projtrack_role()", "projtrack_county_readable(text)",
             "projtrack_county_officer(text)", "projtrack_readable_projects()",
             "projtrack_officer_projects()", "projtrack_entry_projects()",
             "projtrack_last_hash(text)", "projtrack_who()")


def _args(columns, prefix) -> str:
    return ", ".join(f"'{prefix}:{c}'" for c in columns)


def upgrade() -> None:
    op.create_table(
        'access_grant',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('login', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('role', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('county', sqlmodel.sql.sqltypes.AutoString(), server_default='', nullable=False),
        sa.Column('township', sqlmodel.sql.sqltypes.AutoString(), server_default='',
                  nullable=False),
        sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(), server_default='', nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_access_grant')),
        sa.UniqueConstraint('login', 'county', 'township', 'unit',
                            name='uq_access_grant_login_scope'),
    )
    with op.batch_alter_table('access_grant') as batch:
        batch.create_index(batch.f('ix_access_grant_login'), ['login'], unique=False)
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.execute(sa.text("SELECT quote_ident(current_schema())")).scalar()
    for sql in _functions(schema):
        op.execute(sql)
    op.execute("GRANT SELECT ON access_grant TO PUBLIC")
    op.execute(f"ALTER FUNCTION projtrack_ledger_sums() SECURITY DEFINER "
               f"SET search_path = {schema}, pg_temp")
    for table, commands in POLICIES.items():
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        for command, expr in commands.items():
            clause = f"WITH CHECK ({expr})" if command == "INSERT" else f"USING ({expr})"
            op.execute(f"CREATE POLICY projtrack_{command.lower()} ON {table} FOR {command} "
                       f"TO PUBLIC {clause}")
    for table, (on_insert, on_update) in WHO.items():
        op.execute(f"CREATE TRIGGER {table}_who BEFORE INSERT ON {table} FOR EACH ROW "
                   f"EXECUTE FUNCTION projtrack_who({_args(on_insert, 'set')})")
        if on_update:
            args = ", ".join(filter(None, (_args(on_insert, 'keep'), _args(on_update, 'changed'))))
            op.execute(f"CREATE TRIGGER {table}_who_update BEFORE UPDATE ON {table} FOR EACH ROW "
                       f"EXECUTE FUNCTION projtrack_who({args})")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table, (_, on_update) in WHO.items():
            op.execute(f"DROP TRIGGER IF EXISTS {table}_who ON {table}")
            if on_update:
                op.execute(f"DROP TRIGGER IF EXISTS {table}_who_update ON {table}")
        for table, commands in POLICIES.items():
            for command in commands:
                op.execute(f"DROP POLICY IF EXISTS projtrack_{command.lower()} ON {table}")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        op.execute("ALTER FUNCTION projtrack_ledger_sums() SECURITY INVOKER RESET search_path")
        for fn in FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {fn}")
    op.drop_table('access_grant')
