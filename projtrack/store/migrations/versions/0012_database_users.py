"""every row's user set by the database, for every login; the chain's heads kept by the database

PostgreSQL only (SQLite has no logins: nothing changes there).

- ``projtrack_who()`` (0011's trigger function) sets the user columns to ``session_user`` for
  every login, the schema's owner and superusers too; 0011 left the owner's rows as the client
  sent them.  One exception, for ``db copy`` and ``db copy --merge``, which move rows made
  elsewhere and must keep who made them: inside a transaction that has set
  ``projtrack.keep_users`` to ``on`` (``SET LOCAL``), rows keep the user they carry — honoured
  only when ``session_user`` owns the table (or is a superuser); any other login may set the
  setting, and its rows are still its own.
- A login inserts into a chained table every column but ``id`` (column privileges of the group
  roles, when the cluster has them; ``store.roles.ensure_groups`` grants the same): the
  sequence numbers its rows, so they join the chain at its end — a row given an id of its own
  (ahead of the sequence) would put the rows projtrack writes later before it.
- ``chain_head`` is written by the database only: an AFTER INSERT trigger on each chained
  table (one per statement, over its new rows) moves the table's head on — the row count and
  the hash of the last row inserted — in a SECURITY DEFINER function; the INSERT and UPDATE
  policies on ``chain_head`` are dropped and the group roles lose their INSERT and UPDATE on
  it.  A login can then no longer set a head to hide what it did; a row it inserts through
  raw SQL without a valid hash stays in the chain for ``db check`` to name.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0012'
down_revision: Union[str, None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

CHAINED = ("ledger_entry", "progress_entry", "audit_log", "report_snapshot", "issue",
           "issue_update")
GROUPS = ("projtrack_officer", "projtrack_reporter")
HEAD_WRITERS = "projtrack_role() IN ('officer', 'reporter')"  # 0011's policies on chain_head
# the chained tables each group inserts into (0011's grants)
INSERTS = {"projtrack_officer": CHAINED,
           "projtrack_reporter": ("ledger_entry", "progress_entry", "audit_log")}

_LOOP = ("FOREACH arg IN ARRAY TG_ARGV LOOP col := split_part(arg, ':', 2); "
         "IF split_part(arg, ':', 1) = 'set' OR (split_part(arg, ':', 1) = 'changed' AND "
         "(to_jsonb(NEW) -> col) IS DISTINCT FROM (to_jsonb(OLD) -> col)) THEN "
         "NEW := jsonb_populate_record(NEW, jsonb_build_object(col, session_user::text)); "
         "ELSIF split_part(arg, ':', 1) = 'keep' THEN "
         "NEW := jsonb_populate_record(NEW, jsonb_build_object(col, to_jsonb(OLD) -> col)); "
         "END IF; END LOOP; RETURN NEW; END $$")
_OWNER = ("pg_has_role(session_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), "
          "'MEMBER')")

# its search_path pinned: a login that could create a function in a schema it puts before
# pg_catalog (public, on servers before 15) must not answer for pg_has_role or current_setting
WHO_0012 = ("CREATE OR REPLACE FUNCTION projtrack_who() RETURNS trigger LANGUAGE plpgsql "
            "SET search_path = pg_catalog, pg_temp AS $$ "
            "DECLARE arg text; col text; BEGIN "
            "IF coalesce(current_setting('projtrack.keep_users', true), '') = 'on' "
            f"AND {_OWNER} THEN RETURN NEW; END IF; " + _LOOP)
WHO_0011 = ("CREATE OR REPLACE FUNCTION projtrack_who() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "DECLARE arg text; col text; BEGIN "
            f"IF coalesce({_OWNER}, true) THEN RETURN NEW; END IF; " + _LOOP)


def _head_function(schema: str) -> str:
    return ("CREATE FUNCTION projtrack_chain_head() RETURNS trigger LANGUAGE plpgsql "
            f"SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$ "
            "DECLARE n integer; last text; BEGIN "
            "SELECT count(*) INTO n FROM new_rows; "
            "IF n = 0 THEN RETURN NULL; END IF; "
            "SELECT coalesce(row_hash, '') INTO last FROM new_rows ORDER BY id DESC LIMIT 1; "
            "INSERT INTO chain_head (name, rows, last_hash) VALUES (TG_TABLE_NAME, n, last) "
            "ON CONFLICT (name) DO UPDATE SET rows = chain_head.rows + excluded.rows, "
            "last_hash = excluded.last_hash; RETURN NULL; END $$")


def _groups(sql: str, groups: Sequence[str] = GROUPS) -> str:
    """``sql`` (naming the group role as %I) for each of ``groups`` the cluster has (roles are
    cluster-wide and made by ``db grant``, not by a migration)."""
    names = ", ".join(f"'{g}'" for g in groups)
    return ("DO $$ DECLARE g text; BEGIN FOR g IN SELECT rolname FROM pg_roles "
            f"WHERE rolname IN ({names}) LOOP EXECUTE format('{sql}', g); END LOOP; END $$")


def _inserts(columns: bool) -> str:
    """Each group's INSERT on its chained tables: every column but id (``columns``), or the
    table-wide INSERT of 0011 — where the group (the cluster has it) was given the other (by
    ``db grant``: a database no grant was made in is left as it is)."""
    pairs = ", ".join(f"('{g}', '{t}')" for g, tables in INSERTS.items() for t in tables)
    grant = ("EXECUTE format('GRANT INSERT (%s) ON %I TO %I', (SELECT string_agg("
             "quote_ident(column_name), ', ' ORDER BY ordinal_position) FROM "
             "information_schema.columns WHERE table_schema = current_schema() AND "
             "table_name = p.t AND column_name <> 'id'), p.t, p.g); " if columns else
             "EXECUTE format('GRANT INSERT ON %I TO %I', p.t, p.g); ")
    had = "has_table_privilege" if columns else "has_any_column_privilege"
    # the role's existence tested first, on its own: the privilege function refuses an
    # unknown role, and a query's WHERE may be evaluated in any order
    return ("DO $$ DECLARE p record; BEGIN FOR p IN SELECT v.g, v.t FROM (VALUES "
            f"{pairs}) AS v(g, t) LOOP "
            "IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p.g) THEN "
            f"IF {had}(p.g, p.t, 'INSERT') THEN "
            "EXECUTE format('REVOKE INSERT ON %I FROM %I', p.t, p.g); "
            f"{grant}END IF; END IF; END LOOP; END $$")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.execute(sa.text("SELECT quote_ident(current_schema())")).scalar()
    op.execute(WHO_0012)
    op.execute(_head_function(schema))
    for table in CHAINED:
        op.execute(f"CREATE TRIGGER {table}_chain_head AFTER INSERT ON {table} "
                   "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
                   "EXECUTE FUNCTION projtrack_chain_head()")
    op.execute("DROP POLICY IF EXISTS projtrack_insert ON chain_head")
    op.execute("DROP POLICY IF EXISTS projtrack_update ON chain_head")
    op.execute(_groups("REVOKE INSERT, UPDATE, DELETE ON chain_head FROM %I"))
    op.execute(_inserts(columns=True))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table in CHAINED:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_chain_head ON {table}")
    op.execute("DROP FUNCTION IF EXISTS projtrack_chain_head()")
    op.execute(WHO_0011)
    for command in ("INSERT", "UPDATE"):
        clause = "WITH CHECK" if command == "INSERT" else "USING"
        op.execute(f"CREATE POLICY projtrack_{command.lower()} ON chain_head FOR {command} "
                   f"TO PUBLIC {clause} ({HEAD_WRITERS})")
    # what 0011's grants gave them (store.roles.ensure_groups of that time)
    op.execute(_inserts(columns=False))
    op.execute(_groups("GRANT INSERT, UPDATE, DELETE ON chain_head TO %I", ("projtrack_officer",)))
    op.execute(_groups("GRANT INSERT, UPDATE ON chain_head TO %I", ("projtrack_reporter",)))
