"""Queries that return core types, and the low-level writes (append-only ledger, audit).

Every write goes through ``Store.write()``: one transaction (``BEGIN IMMEDIATE`` on SQLite),
committed as a whole or not at all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import getpass
import hashlib
import json
import secrets
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import (
    BigInteger,
    Date,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
    type_coerce,
    union_all,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.sql import Select
from sqlmodel import Session, col

from projtrack.core.calendar import week_bounds
from projtrack.core.figures import PHASE_MILESTONES, LedgerSums
from projtrack.core.forecast import recent_window_start
from projtrack.core.frozen import maker
from projtrack.core.jsonvalue import to_json
from projtrack.core.money import ZERO
from projtrack.core.periods import snapshot_kind
from projtrack.core.records import AuditRecord, LedgerRecord, ProgressRecord
from projtrack.core.rules import RuleRefused, stored_rules
from projtrack.core.terms import Status
from projtrack.core.types import (
    ACTUAL,
    FUNDS,
    PAYMENT,
    FlagRules,
    MilestoneFacts,
    ProgressPoint,
    ProjectFacts,
    SourceRef,
)
from projtrack.errors import AccessRefused, BadData, BadUsage, Conflict, DatabaseError
from projtrack.redact import redact
from projtrack.store.chain import ChainProblem, verify_row
from projtrack.store.engine import (
    make_engine,
    normalize_url,
    sqlite_busy,
    sqlite_busy_error,
    sqlite_path,
)
from projtrack.store.factrows import FACT_COLUMNS, NO_SOURCES, facts_of
from projtrack.store.migrate import check_schema, current_revision, is_empty
from projtrack.store.models import (
    AnnualPlan,
    AuditLog,
    FundingPlan,
    LedgerEntry,
    LedgerMonth,
    LedgerYear,
    Milestone,
    ProgressEntry,
    Project,
    ReportSnapshot,
    Setting,
    table,
)
from projtrack.store.packed import FIELD, RECORD, PackedMilestones
from projtrack.store.types import Scaled


def display_name(target: str | None) -> str:
    """The database as an officer names it: the file's path, or the URL without a password."""
    url = normalize_url(target)
    path = sqlite_path(url)
    return str(path) if path is not None else redact(make_url(url).render_as_string(
        hide_password=True))


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers): still record something
        return "unknown"


def actor(session: Session) -> str:
    """Who a change made in ``session`` is recorded as: its PostgreSQL login, whoever it is (the
    database's trigger sets it: store.roles), else the OS user (SQLite)."""
    from projtrack.store.roles import recorded_user

    return recorded_user(session.connection())


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        from projtrack.core.money import to_plain

        return to_plain(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (dict, list)):  # Decimals inside as their exact text
        return json.dumps(to_json(value, decimal=str), ensure_ascii=False, sort_keys=True)
    return str(value)


def record_audit(session: Session, *, action: str, entity: str, entity_id: int | None,
                 project_id: int | None, field: str | None = None, old: object = None,
                 new: object = None, context: str | None = None) -> None:
    session.add(AuditLog(user=actor(session), action=action, entity=entity, entity_id=entity_id,
                         project_id=project_id, field=field, old_value=_text(old),
                         new_value=_text(new), context=context))


_scaled = Scaled(6).result_processor(None, None)


def _units(value: object) -> Decimal:
    """A Σ of scaled integers (Scaled(6)) from an aggregate, as Decimal 万元 (none: 0)."""
    return ZERO if value is None else _scaled(value)


def _day(value: object) -> dt.date | None:
    """A date column's value as a date (a driver may hand back ISO text for an aggregate)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _pg_database_missing(url: str) -> bool:
    """Whether the PostgreSQL server of ``url`` answers and has no database of its name: asked
    of its maintenance database, since a failed connection carries no code that says so."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    u = make_url(url)
    probe = create_engine(u.set(database="postgres"))
    try:
        with probe.connect() as conn:
            found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                 {"name": u.database}).first()
        return found is None
    except SQLAlchemyError:  # the server itself is out of reach: say that instead
        return False
    finally:
        probe.dispose()


def to_facts(p: Project, plans: dict[int, Decimal] | None = None,
             funding: Mapping[str, Decimal] | None = None) -> ProjectFacts:
    source = None
    if p.source_file:
        source = SourceRef(p.source_file, p.source_sheet or "", p.source_row or 0)
    return ProjectFacts(
        id=p.id, name=p.name, category=p.category, annex_class=p.annex_class,
        construction_type=p.construction_type, township=p.township,
        responsible_unit=p.responsible_unit, start_year=p.start_year, end_year=p.end_year,
        total_investment=p.total_investment, period_plan=p.period_plan,
        annual_plan=dict(sorted((plans or {}).items())), land_mu=p.land_mu,
        floor_area_m2=p.floor_area_m2, classes=p.classes, new_places=p.new_places,
        content=p.content, remarks=p.remarks, project_code=p.project_code,
        prior_actual=p.prior_actual, phase=p.phase, status=p.status, source=source,
        funding_plan=dict(funding or {}), county=p.county,
    )


R = TypeVar("R")


def _select_record(cls: type, model: type) -> Select:
    """The columns of ``model``'s table that the record class ``cls`` holds, in its order."""
    columns = table(model).c
    return select(*(columns[f.name] for f in dataclasses.fields(cls)))


@contextmanager
def translated_errors() -> Iterator[None]:
    """SQLAlchemy's errors raised in the block as projtrack's ``DatabaseError`` (saying the
    driver's own message, as the CLI always has).  A StaleDataError passes as it is: the
    writer that checked the record's version turns it into a Conflict naming that record.  SQLite's
    "database is locked" (its busy timeout ran out) is a ``DatabaseBusy`` that says so plainly."""
    try:
        yield
    except StaleDataError:
        raise
    except SQLAlchemyError as exc:
        orig = getattr(exc, "orig", None)
        if sqlite_busy(orig):  # the busy timeout ran out: said plainly, never the driver's words
            raise sqlite_busy_error() from exc
        if orig is not None and getattr(orig, "sqlstate", None) == "42501":  # privilege, RLS
            raise refused_by_database(orig) from exc
        if orig is not None and password_refused(orig):
            raise AccessRefused("err.db_password", login=_login_of(orig)) from exc
        raise DatabaseError(orig or exc) from exc


# libpq's words when the server asks for a password and is given a wrong one or none (a failed
# connection carries no SQLSTATE; the server's part is in English unless its lc_messages say
# otherwise, then the driver's message is shown as for any other failure)
_PASSWORD_REFUSED = ("password authentication failed", "no password supplied")


def password_refused(orig: BaseException) -> bool:
    """Whether ``orig`` is PostgreSQL's refusal of a login's password (wrong, or none given)."""
    return any(words in str(orig) for words in _PASSWORD_REFUSED)


def _login_of(orig: BaseException) -> str:
    pgconn = getattr(orig, "pgconn", None)
    login = getattr(pgconn, "user", b"") or b""
    return login.decode(errors="replace") or "?"


def refused_by_database(orig: BaseException) -> AccessRefused:
    """PostgreSQL's refusal (a missing privilege, a row-level security policy) as projtrack's
    message, naming the login (store.roles, migration 0011)."""
    why = str(orig).splitlines()[0] if str(orig) else type(orig).__name__
    return AccessRefused("err.db_refused", login=_login_of(orig), why=why)


# the Store and read session of the ``consistent()`` block open in this thread (or task)
_CONSISTENT: ContextVar[tuple[Store, Session] | None] = ContextVar("projtrack_consistent",
                                                                  default=None)
_make_sums = maker(LedgerSums)


_ANY = object()  # set_setting without an expected value
RULES_KEY = "flag_rules"


def rules_of_setting(stored: object) -> FlagRules:
    """The rules the ``flag_rules`` setting holds (None: the defaults), read strictly
    (``core.rules.stored_rules``): BadData naming the setting, the rule and the value stored
    when this version cannot read it — never the defaults in its place unseen."""
    try:
        return stored_rules(stored)
    except RuleRefused as exc:
        raise BadData("err.rules_stored", setting=RULES_KEY, rule=exc.rule, found=exc.found) from exc

MAX_ID = 2**63 - 1  # the largest id either engine stores (BIGINT); a larger one matches nothing


class Store:
    """A database: an engine plus the queries and writes projtrack needs."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._read_engine = engine.execution_options(projtrack_readonly=True)
        # one read transaction for several queries: on PostgreSQL REPEATABLE READ, so that
        # every statement sees the same snapshot (under READ COMMITTED each sees its own);
        # SQLite's read transaction is one snapshot already (WAL)
        self._snapshot_engine = (
            self._read_engine.execution_options(isolation_level="REPEATABLE READ")
            if engine.dialect.name == "postgresql" else self._read_engine)

    created = False  # whether ``open`` made a new database (the file, or the schema)

    @classmethod
    def open(cls, target: str | None = None, *, create: bool = True) -> Store:
        """The database at ``target`` (a path or a URL; default db/projtrack.db).  Without
        ``create`` a missing database — no such file (nothing is made, not even its folder), an
        empty file or an empty PostgreSQL database — is a usage error naming it; with it, one
        is made and ``created`` says so.  A PostgreSQL database the server does not have is a
        usage error either way (``createdb`` makes it).  A driver's failure is a DatabaseError."""
        url = normalize_url(target)
        path = sqlite_path(url)
        shown = display_name(url)
        if not create and path is not None and not path.exists():
            raise BadUsage("err.no_database", db=shown)
        with translated_errors():
            engine = make_engine(url)
            try:
                try:
                    fresh = current_revision(engine) is None and is_empty(engine)
                except OperationalError as exc:
                    if path is None and _pg_database_missing(url):
                        raise BadUsage("err.no_pg_database", db=shown) from exc
                    raise
                if fresh and not create:
                    raise BadUsage("err.no_database", db=shown)
                check_schema(engine, create=create)
            except SQLAlchemyError as exc:
                refused = getattr(getattr(exc, "orig", None), "sqlstate", None) == "42501"
                login = cls(engine).login if refused else ""
                engine.dispose()
                if refused:  # a login the schema's tables are not granted to: no role
                    raise AccessRefused("err.role_none", login=login) from exc
                raise
            except BaseException:
                engine.dispose()
                raise
        store = cls(engine)
        store.created = fresh
        return store

    @property
    def url(self) -> str:
        return redact(normalize_url(self.engine.url.render_as_string(hide_password=True)))

    def close(self) -> None:
        self.engine.dispose()

    # --- sessions -------------------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed when the block ends, rolled back on error (a
        database failure raised as DatabaseError)."""
        try:
            with translated_errors(), Session(self.engine, expire_on_commit=False) as session:
                with session.begin():
                    yield session
        except AccessRefused as exc:
            if exc.params.get("login") == "?":
                exc.params["login"] = self.login
            raise

    @property
    def login(self) -> str:
        """Who this store's sessions are: the PostgreSQL login (as projtrack.services.roles
        read it, else asked of the server), or the OS user (SQLite)."""
        found = getattr(self, "_projtrack_access", None)
        if found is not None:
            return found.login
        if self.engine.dialect.name == "postgresql":
            from sqlalchemy import text

            with translated_errors(), self._read_engine.connect() as conn:
                return conn.execute(text("SELECT session_user")).scalar_one()
        return os_user()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read transaction: the shared one inside ``consistent()``; else one of its own."""
        current = _CONSISTENT.get()
        if current is not None and current[0] is self:
            yield current[1]
            return
        with translated_errors(), Session(self._read_engine, expire_on_commit=False) as session:
            with session.begin():
                yield session

    @contextmanager
    def consistent(self) -> Iterator[None]:
        """Every read of this store inside the block (in this thread) is made in one read
        transaction, so they all see the database as of one moment: a portfolio's projects,
        sums, progress and milestones agree even while officers write.  On PostgreSQL it is
        REPEATABLE READ; a SQLite read transaction in WAL mode is a snapshot already.  One
        connection and one transaction also save each query its own round trips.  Nested,
        the outer block's transaction serves."""
        current = _CONSISTENT.get()
        if current is not None and current[0] is self:
            yield
            return
        with translated_errors(), Session(self._snapshot_engine, expire_on_commit=False) as session:
            with session.begin():
                token = _CONSISTENT.set((self, session))
                try:
                    yield
                finally:
                    _CONSISTENT.reset(token)

    # --- projects -------------------------------------------------------------------------
    def plans(self, session: Session, project_ids: Iterable[int] | None = None) -> dict[int, dict[int, Decimal]]:
        """Each project's annual plans, by year in year order."""
        stmt = (select(col(AnnualPlan.project_id), col(AnnualPlan.year), col(AnnualPlan.amount))
                .order_by(col(AnnualPlan.project_id), col(AnnualPlan.year)))
        if project_ids is not None:
            stmt = stmt.where(col(AnnualPlan.project_id).in_(list(project_ids)))
        out: dict[int, dict[int, Decimal]] = {}
        current: int | None = None
        plans: dict[int, Decimal] = {}
        for pid, year, amount in session.connection().execute(stmt).all():
            if pid != current:  # rows come by project
                current, plans = pid, {}
                out[pid] = plans
            plans[year] = amount
        return out

    def funding(self, session: Session, project_ids: Iterable[int] | None = None
                ) -> dict[int, dict[str, Decimal]]:
        """Each project's funding plan (the annex's 资金来源), by source."""
        c = table(FundingPlan).c
        stmt = select(c.project_id, c.source, c.amount).order_by(c.project_id, c.source)
        if project_ids is not None:
            stmt = stmt.where(c.project_id.in_(list(project_ids)))
        out: dict[int, dict[str, Decimal]] = {}
        for pid, source, amount in session.connection().execute(stmt).all():
            out.setdefault(pid, {})[source] = amount
        return out

    def projects(self, *, include_withdrawn: bool = True,
                 project_ids: Iterable[int] | None = None,
                 session: Session | None = None) -> list[ProjectFacts]:
        """Projects in id order (only ``project_ids`` when given), read in ``session`` when
        given (an import diffs in its own write transaction), else in a read of their own."""
        if session is None:
            with self.read() as s:
                return self.projects(include_withdrawn=include_withdrawn,
                                     project_ids=project_ids, session=s)
        # plain rows unpacked by position, not ORM objects: building 10,000 tracked Project
        # instances costs more than the query itself
        c = table(Project).c
        ids = list(project_ids) if project_ids is not None else None
        stmt = select(*(c[name] for name in FACT_COLUMNS)).order_by(c.id)
        if not include_withdrawn:
            stmt = stmt.where(c.status == Status.ACTIVE)
        if ids is not None:
            stmt = stmt.where(c.id.in_(ids))
        rows = session.connection().execute(stmt).all()
        return facts_of(rows, self.plans(session, ids), self.funding(session, ids))

    def annex_snapshots(self, session: Session) -> dict[int, dict | None]:
        """Each project's annex row as last imported (``annex_facts``), read in ``session``: an
        import tells an officer's edit from a change in the annex by it."""
        c = table(Project).c
        rows = session.connection().execute(select(c.id, c.annex_facts))
        return {pid: (json.loads(text) if text else None) for pid, text in rows}

    def tracked_projects(self, session: Session, ids: list[int]) -> dict[int, Project]:
        """The ORM objects of the projects ``ids``, loaded into ``session`` to be changed there."""
        out: dict[int, Project] = {}
        for start in range(0, len(ids), 5000):  # under every engine's limit of bound parameters
            chunk = ids[start:start + 5000]
            out.update((p.id, p) for p in session.execute(
                select(Project).where(col(Project.id).in_(chunk))).scalars())
        return out

    def ids_by_name(self, session: Session, counties: Iterable[str] | None = None
                    ) -> dict[tuple[str, str], int]:
        """The projects' ids by (county, name) — a name is unique within its county — of the
        ``counties`` (None: every county), read in ``session``."""
        c = table(Project).c
        stmt = select(c.county, c.name, c.id)
        if counties is not None:
            stmt = stmt.where(c.county.in_(sorted(set(counties))))
        return {(county, name): pid for county, name, pid
                in session.connection().execute(stmt).all()}

    def project(self, project_id: int) -> ProjectFacts | None:
        if not 0 < project_id <= MAX_ID:  # no such id (and none the database could hold)
            return None
        with self.read() as s:
            p = s.get(Project, project_id)
            if p is None:
                return None
            return to_facts(p, self.plans(s, [project_id]).get(project_id),
                            self.funding(s, [project_id]).get(project_id))

    def project_version(self, project_id: int) -> int | None:
        with self.read() as s:
            p = s.get(Project, project_id)
            return p.version if p else None

    def versions(self, project_id: int) -> dict[str, int]:
        """The version of each editable record of a project, read together, for optimistic
        concurrency: "project", "milestone:<name>", "plan:<year>"."""
        with self.read() as s:
            p = s.get(Project, project_id)
            if p is None:
                return {}
            out = {"project": p.version}
            rows = s.execute(select(col(Milestone.name), col(Milestone.version))
                             .where(col(Milestone.project_id) == project_id))
            out.update({f"milestone:{name}": v for name, v in rows})
            rows = s.execute(select(col(AnnualPlan.year), col(AnnualPlan.version))
                             .where(col(AnnualPlan.project_id) == project_id))
            out.update({f"plan:{year}": v for year, v in rows})
            return out

    def find(self, text: str) -> list[tuple[int, str]]:
        """Projects whose id is ``text`` or whose name contains it (case-insensitive)."""
        with self.read() as s:
            if text.strip().isdigit() and 0 < int(text.strip()) <= MAX_ID:
                project_id = int(text.strip())
                p = s.get(Project, project_id)
                if p is not None:
                    return [(project_id, p.name)]
            needle = "".join(text.split())
            exact = s.execute(select(col(Project.id), col(Project.name)).where(col(Project.name) == needle)).all()
            if exact:
                return [(i, n) for i, n in exact]
            escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            like = f"%{escaped}%"
            rows = s.execute(
                select(col(Project.id), col(Project.name))
                .where(func.lower(col(Project.name)).like(like.lower(), escape="\\"))
                .order_by(col(Project.id))
            ).all()
            return [(i, n) for i, n in rows]

    # --- ledger and progress ----------------------------------------------------------------
    def ledger_sums(self, as_of: dt.date, project_ids: Iterable[int] | None = None) -> dict[int, LedgerSums]:
        """Σ of each series per project up to ``as_of`` (inclusive), computed by the database as
        exact integers, in one query over three parts: the years before as_of's year from
        ``ledger_year``, that year's months before as_of's month from ``ledger_month`` (both
        kept by a trigger on every insert, migration 0004; one row per project and period), and
        the rest — from the earlier of as_of's month start and its week's Monday up to as_of —
        from the entries themselves, through the (entry_date, project_id, kind, amount) index
        alone.  At N = 10,000 with weekly entries that is about 30,000 rows instead of 2.3
        million."""
        month_start = as_of.replace(day=1)
        week_start, _ = week_bounds(as_of)
        recent_start = recent_window_start(as_of)  # the forecasts' 56 days (core.forecast)
        y, m, e = table(LedgerYear).c, table(LedgerMonth).c, table(LedgerEntry).c
        raw, none = BigInteger(), literal_column("0", BigInteger())

        def units(column):
            return type_coerce(column, raw)

        years = select(y.project_id.label("pid"), units(y.actual).label("actual"),
                       none.label("year"), none.label("week"), units(y.funds).label("funds"),
                       units(y.payments).label("payments"), y.last_actual.label("last"),
                       none.label("recent")).where(y.year < as_of.year)
        months = select(m.project_id, units(m.actual), units(m.actual), none, units(m.funds),
                        units(m.payments), m.last_actual, none).where(
            m.month >= as_of.year * 100 + 1, m.month < as_of.year * 100 + as_of.month)

        def amount_of(kind: str, since: dt.date):
            return case((and_(e.kind == kind, e.entry_date >= since), units(e.amount)), else_=0)

        recent = select(e.project_id, amount_of(ACTUAL, month_start), amount_of(ACTUAL, month_start),
                        amount_of(ACTUAL, week_start), amount_of(FUNDS, month_start),
                        amount_of(PAYMENT, month_start),
                        case((and_(e.kind == ACTUAL, e.amount > 0), e.entry_date)),
                        amount_of(ACTUAL, recent_start)).where(
            e.entry_date >= min(month_start, week_start, recent_start), e.entry_date <= as_of)
        ids = list(project_ids) if project_ids is not None else None
        if ids is not None:
            years = years.where(y.project_id.in_(ids))
            months = months.where(m.project_id.in_(ids))
            recent = recent.where(e.project_id.in_(ids))
        u = union_all(years, months, recent).subquery()
        def total(column):  # PostgreSQL's SUM of a BIGINT is a NUMERIC: back to BIGINT
            return cast(func.sum(column), BigInteger)

        stmt = (select(u.c.pid, total(u.c.actual), total(u.c.year), total(u.c.week),
                       total(u.c.funds), total(u.c.payments), type_coerce(func.max(u.c.last), Date),
                       total(u.c.recent))
                .group_by(u.c.pid))
        with self.read() as s:
            rows = s.connection().execute(stmt).all()
        # funds by source are not summed here (``funds_by_source`` gives one project's)
        return {pid: _make_sums(actual_to_date=_units(actual), actual_this_year=_units(year),
                                actual_this_week=_units(week), funds_to_date=_units(funds),
                                payments_to_date=_units(payments), last_actual_date=_day(last),
                                funds_by_source=NO_SOURCES, actual_recent=_units(recent))
                for pid, actual, year, week, funds, payments, last, recent in rows}

    def actual_by_years(self, first: int, last: int,
                        project_ids: Iterable[int] | None = None) -> dict[int, Decimal]:
        """Each project's Σ 完成投资 dated in the years ``first``..``last`` (whole years), from the
        yearly sums the database keeps (``ledger_year``)."""
        y = table(LedgerYear).c
        # the scaled integers summed as integers (PostgreSQL's SUM of a BIGINT is a NUMERIC)
        stmt = (select(y.project_id, cast(func.sum(type_coerce(y.actual, BigInteger())),
                                          BigInteger))
                .where(y.year >= first, y.year <= last).group_by(y.project_id))
        if project_ids is not None:
            stmt = stmt.where(y.project_id.in_(list(project_ids)))
        with self.read() as s:
            return {pid: _units(total) for pid, total in s.connection().execute(stmt).all()}

    def funds_by_source(self, project_id: int, as_of: dt.date) -> dict[str, Decimal]:
        e = table(LedgerEntry).c
        stmt = (select(e.source, type_coerce(func.sum(e.amount), Scaled(6)))
                .where(e.project_id == project_id, e.kind == FUNDS, e.entry_date <= as_of)
                .group_by(e.source))
        with self.read() as s:
            return {src or "": amt for src, amt in s.execute(stmt)}

    def funds_by_source_all(self, as_of: dt.date, project_ids: Iterable[int] | None = None
                            ) -> dict[int, dict[str, Decimal]]:
        """Each project's Σ 到位资金 dated <= ``as_of`` by the source its entries named (``""``
        for none), summed by the database as exact integers (reversals included, as in
        ``ledger_sums``); a project without funds entries is absent.  Read through the
        (project_id, kind, entry_date) index."""
        e = table(LedgerEntry).c
        source = func.coalesce(e.source, literal(""))
        total = cast(func.sum(type_coerce(e.amount, BigInteger())), BigInteger)
        stmt = (select(e.project_id, source, total)
                .where(e.kind == FUNDS, e.entry_date <= as_of)
                .group_by(e.project_id, source).order_by(e.project_id, source))
        if project_ids is not None:
            stmt = stmt.where(e.project_id.in_(list(project_ids)))
        out: dict[int, dict[str, Decimal]] = {}
        with self.read() as s:
            for pid, src, amount in s.connection().execute(stmt).all():
                out.setdefault(pid, {})[src] = _units(amount)
        return out

    def latest_progress(self, as_of: dt.date, project_ids: Iterable[int] | None = None) -> dict[int, ProgressPoint]:
        """Each project's latest 形象进度 point dated <= as_of (same date: the higher id), an
        undone one and its undo left out.  The database finds it with one seek per project
        down the (project_id, entry_date, id) index; only those rows come back.  PostgreSQL takes the seek as a LATERAL join (given
        ``id IN (…)``, its planner hashes the picks and scans every entry); SQLite has no
        LATERAL and takes the correlated subquery well."""
        e = table(ProgressEntry).c
        project = table(Project)
        p = project.c
        newest = (e.entry_date.desc(), e.id.desc())
        # an undone entry and the entry that undid it (services.undo) are not progress: the
        # undone ones are few, found once (the subquery is not correlated)
        undone = select(e.reverses_id).where(e.reverses_id.is_not(None))
        kept = (e.reverses_id.is_(None), e.id.not_in(undone))
        if self.engine.dialect.name == "postgresql":
            latest = (select(e.project_id, e.entry_date, e.stage, e.percent, e.note, e.id)
                      .where(e.project_id == p.id, e.entry_date <= as_of, *kept)
                      .order_by(*newest).limit(1).lateral())
            stmt = (select(*latest.c).select_from(project.join(latest, true()))
                    .order_by(p.id))
            if project_ids is not None:
                stmt = stmt.where(p.id.in_(list(project_ids)))
        else:
            pick = (select(e.id).where(e.project_id == p.id, e.entry_date <= as_of, *kept)
                    .order_by(*newest).limit(1).correlate(project).scalar_subquery())
            picks = select(pick).select_from(project)
            if project_ids is not None:
                picks = picks.where(p.id.in_(list(project_ids)))
            stmt = (select(e.project_id, e.entry_date, e.stage, e.percent, e.note, e.id)
                    .where(e.id.in_(picks)).order_by(e.project_id))
        out: dict[int, ProgressPoint] = {}
        with self.read() as s:
            for pid, day, stage, percent, note, pk in s.connection().execute(stmt).all():
                out[pid] = ProgressPoint(pid, day, stage, percent, note, pk)
        return out

    def progress_points(self, as_of: dt.date, project_ids: Iterable[int] | None = None
                        ) -> dict[int, list[ProgressPoint]]:
        """Each project's 形象进度 points with a percent dated <= as_of (an undone one and its
        undo left out), oldest first: what the physical progress rate is worked out from
        (``core.forecast.progress_rate``)."""
        e = table(ProgressEntry).c
        undone = select(e.reverses_id).where(e.reverses_id.is_not(None))
        stmt = (select(e.project_id, e.entry_date, e.stage, e.percent, e.note, e.id)
                .where(e.entry_date <= as_of, e.percent.is_not(None), e.reverses_id.is_(None),
                       e.id.not_in(undone))
                .order_by(e.project_id, e.entry_date, e.id))
        if project_ids is not None:
            stmt = stmt.where(e.project_id.in_(list(project_ids)))
        out: dict[int, list[ProgressPoint]] = defaultdict(list)
        with self.read() as s:
            for pid, day, stage, percent, note, pk in s.connection().execute(stmt).all():
                out[pid].append(ProgressPoint(pid, day, stage, percent, note, pk))
        return dict(out)

    def milestones(self, project_ids: Iterable[int] | None = None) -> dict[int, list[MilestoneFacts]]:
        m = table(Milestone).c
        # dates as the driver hands them (ISO text on SQLite, dates on PostgreSQL), each
        # distinct one converted once: 90,000 milestones at N = 10,000 share a few thousand
        stmt = (select(m.project_id, m.name, type_coerce(m.planned, String),
                       type_coerce(m.actual, String)).order_by(m.project_id, m.seq))
        if project_ids is not None:
            stmt = stmt.where(m.project_id.in_(list(project_ids)))
        with self.read() as s:
            rows = s.connection().execute(stmt).all()
        days: dict[object, dt.date | None] = {None: None}
        out: dict[int, list[MilestoneFacts]] = defaultdict(list)
        for pid, name, planned, actual in rows:
            try:
                p, a = days[planned], days[actual]
            except KeyError:
                p = days[planned] = _day(planned)
                a = days[actual] = _day(actual)
            out[pid].append(MilestoneFacts(pid, name, p, a))
        return out

    def packed_milestones(self, as_of: dt.date, project_ids: Iterable[int] | None = None
                          ) -> dict[int, tuple[PackedMilestones, bool, frozenset[str]]]:
        """Each project's milestones packed into one text by the database (see
        ``store.packed``), with whether any is overdue at ``as_of`` and which of those that
        begin a phase were reached after it: the SQL forms of
        ``core.figures.any_milestone_overdue`` and ``milestones_after`` (tested against them
        on both engines), as
        ``ledger_sums`` is of ``core.figures.ledger_sums``.  One row per project with
        milestones: what a portfolio needs, without 90,000 rows."""
        m = table(Milestone).c
        sep_field, sep_record = literal(FIELD, String), literal(RECORD, String)
        if self.engine.dialect.name == "postgresql":
            def iso(column):  # whatever the server's DateStyle
                return func.coalesce(func.to_char(column, "YYYY-MM-DD"), "")
            aggregate = func.string_agg
        else:  # SQLite keeps a date as its ISO text
            def iso(column):
                return func.coalesce(type_coerce(column, String), "")
            aggregate = func.group_concat
        record = (cast(m.seq, String) + sep_field + m.name + sep_field + iso(m.planned)
                  + sep_field + iso(m.actual))
        overdue = case((and_(m.planned < as_of, or_(m.actual.is_(None), m.actual > as_of)), 1),
                       else_=0)
        # which of the milestones that begin a phase were reached after as_of (phase_at)
        after = [func.max(case((and_(m.name == name, m.actual > as_of), 1), else_=0))
                 for _, name in PHASE_MILESTONES]
        stmt = (select(m.project_id, aggregate(record, sep_record), func.max(overdue), *after)
                .group_by(m.project_id))
        if project_ids is not None:
            stmt = stmt.where(m.project_id.in_(list(project_ids)))
        with self.read() as s:
            rows = s.connection().execute(stmt).all()
        names = [name for _, name in PHASE_MILESTONES]
        return {pid: (PackedMilestones(pid, text), bool(late),
                      frozenset(n for n, flag in zip(names, flags, strict=True) if flag))
                for pid, text, late, *flags in rows}

    def entries(self, project_id: int, kind: str | None = None) -> list[LedgerRecord]:
        """A project's money entries (only ``kind``'s when given), oldest first."""
        c = table(LedgerEntry).c
        stmt = _select_record(LedgerRecord, LedgerEntry).where(c.project_id == project_id)
        if kind:
            stmt = stmt.where(c.kind == kind)
        return self._records(LedgerRecord, stmt.order_by(c.entry_date, c.id))

    def progress_entries(self, project_id: int) -> list[ProgressRecord]:
        """A project's 形象进度 entries, oldest first."""
        c = table(ProgressEntry).c
        stmt = (_select_record(ProgressRecord, ProgressEntry).where(c.project_id == project_id)
                .order_by(c.entry_date, c.id))
        return self._records(ProgressRecord, stmt)

    def audit(self, project_id: int | None = None, limit: int | None = 200) -> list[AuditRecord]:
        """The audit trail (one project's when given), newest first; at most ``limit`` rows."""
        c = table(AuditLog).c
        stmt = _select_record(AuditRecord, AuditLog).order_by(c.id.desc())
        if project_id is not None:
            stmt = stmt.where(c.project_id == project_id)
        if limit:
            stmt = stmt.limit(limit)
        return self._records(AuditRecord, stmt)

    def _records(self, cls: type[R], stmt: Select) -> list[R]:
        with self.read() as s:
            return [cls(*row) for row in s.connection().execute(stmt)]

    def counties(self) -> list[str]:
        """The counties (区县, schema 0010) the projects not withdrawn belong to, by name ("" the
        projects of no named county)."""
        with self.read() as s:
            return list(s.execute(select(col(Project.county)).distinct()
                                  .where(col(Project.status) != Status.WITHDRAWN)
                                  .order_by(col(Project.county))).scalars())

    # --- issued reports (report_snapshot) ----------------------------------------------------
    # append-only: a re-issue is a new row, and a period's latest row (highest id) is its report
    def _latest(self, kind: str, period: str):
        r = table(ReportSnapshot).c
        return (select(r.id, r.data).where(r.kind == kind, r.period == period)
                .order_by(r.id.desc()).limit(1))

    # ``county``: the report of one county of a city's database (``core.periods.snapshot_kind``)
    def snapshot(self, kind: str, period: str, county: str | None = None) -> str | None:
        """The frozen JSON of the ``kind`` report issued (last) for ``period``, if any.  Raises
        BadData when the stored row no longer matches its hash (``store.chain``): an edited
        report is never handed out as issued."""
        with self.read() as s:
            conn = s.connection()
            row = conn.execute(self._latest(snapshot_kind(kind, county), period)).first()
            if row is None:
                return None
            self._require_issued(conn, row.id, row.data, period)
            return row.data

    def _require_issued(self, conn, row_id: int, data: str, period: str) -> None:
        """BadData unless the issued report ``row_id`` is as it was issued: its JSON matches
        its sha256, and its row its place in the hash chain."""
        sha = conn.execute(select(col(ReportSnapshot.sha256)).where(
            col(ReportSnapshot.id) == row_id)).scalar_one()
        problem = verify_row(conn, "report_snapshot", row_id)
        if problem is None and hashlib.sha256(data.encode("utf-8")).hexdigest() != sha:
            problem = ChainProblem("chain.report_sha", {"id": row_id})
        if problem is not None:
            raise BadData("err.report_tampered", period=period, what=problem.render())

    def previous_snapshot(self, kind: str, period: str, county: str | None = None) -> str | None:
        """The frozen JSON of the latest ``kind`` report issued for a period before ``period``
        (ISO week strings sort in order), checked as ``snapshot`` checks it."""
        r = table(ReportSnapshot).c
        stored = snapshot_kind(kind, county)
        with self.read() as s:
            conn = s.connection()
            row = conn.execute(select(r.id, r.data, r.period)
                               .where(r.kind == stored, r.period < period)
                               .order_by(r.period.desc(), r.id.desc()).limit(1)).first()
            if row is None:
                return None
            self._require_issued(conn, row.id, row.data, row.period)
            return row.data

    def snapshot_periods(self, kind: str, county: str | None = None) -> list[str]:
        with self.read() as s:
            return list(s.execute(select(col(ReportSnapshot.period)).distinct()
                                  .where(col(ReportSnapshot.kind) == snapshot_kind(kind, county))
                                  .order_by(col(ReportSnapshot.period))).scalars())

    def freeze_snapshot(self, kind: str, period: str, *, as_of: dt.date, issued_at: dt.datetime,
                        issued_by: str, data: str, sha256: str,
                        replace_existing: bool, county: str | None = None) -> tuple[str, str]:
        """Store ``data`` (its hash ``sha256``) as the ``kind`` report of ``period``, audited.
        Returns ("issue" or "reissue", ``data``) when written — a re-issue is a new row, the
        earlier issues are kept — or ("kept", the stored JSON) when the period has one already
        and ``replace_existing`` is false (read in the write transaction: writers queue, so
        another process's issue of the same week is seen here)."""
        kind = snapshot_kind(kind, county)
        with self.write() as s:
            conn = s.connection()
            latest = conn.execute(self._latest(kind, period)).first()
            old = None
            if latest is not None:
                if not replace_existing:
                    self._require_issued(conn, latest.id, latest.data, period)
                    return "kept", latest.data
                old = s.execute(select(col(ReportSnapshot.sha256)).where(
                    col(ReportSnapshot.id) == latest.id)).scalar_one()
            row = ReportSnapshot(kind=kind, period=period, as_of=as_of, issued_at=issued_at,
                                 issued_by=issued_by, data=data, sha256=sha256)
            s.add(row)
            s.flush()
            action = "reissue" if latest is not None else "issue"
            record_audit(s, action=action, entity="report_snapshot", entity_id=row.id,
                         project_id=None, field=f"{kind} {period}", old=old, new=sha256)
        return action, data

    # --- events -------------------------------------------------------------------------------
    def audit_event(self, *, action: str, entity: str, field: str | None = None,
                    old: object = None, new: object = None, context: str | None = None) -> None:
        """Record in the audit trail, in a write transaction of its own, an event that is not
        a change of one project's record (a restore: which backup, what it held)."""
        with self.write() as s:
            record_audit(s, action=action, entity=entity, entity_id=None, project_id=None,
                         field=field, old=old, new=new, context=context)

    # --- settings (rules and targets are data) ------------------------------------------------
    def setting(self, key: str) -> object | None:
        with self.read() as s:
            row = s.get(Setting, key)
            return json.loads(row.value) if row else None

    def set_setting(self, key: str, value: object, *, expected: object = _ANY,
                    context: str | None = None) -> None:
        """Set the setting ``key`` (audited, ``context`` on the audit row).  With ``expected``
        (the value as the caller read it, None for none): refused with Conflict, nothing
        written, when the stored value is another — checked in the writing transaction."""
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        with self.write() as s:
            row = s.get(Setting, key, with_for_update=expected is not _ANY)
            old = row.value if row else None
            if expected is not _ANY and (json.loads(old) if old is not None else None) != expected:
                raise Conflict("err.conflict", other=key)
            if row is None:
                s.add(Setting(key=key, value=text))
            elif row.value != text:
                row.value = text
                row.version += 1
            else:
                return
            record_audit(s, action="update", entity="setting", entity_id=None, project_id=None,
                         field=key, old=old, new=text, context=context)

    def secret(self, key: str, *, create: bool = True) -> bytes | None:
        """A per-database secret kept in the setting ``key`` (32 random bytes, made on first
        use when ``create``; None when there is none and not ``create``).  The progress
        template's signature uses it.  Its creation is audited without its value."""
        value = self.setting(key)
        if isinstance(value, str):
            return bytes.fromhex(value)
        if not create:
            return None
        text = json.dumps(secrets.token_hex(32))
        try:
            with self.write() as s:
                if s.get(Setting, key) is None:
                    s.add(Setting(key=key, value=text))
                    s.flush()
                    record_audit(s, action="create", entity="setting", entity_id=None,
                                 project_id=None, field=key, old=None, new="(secret)")
        except DatabaseError as exc:  # another process made it first
            if not isinstance(exc.__cause__, IntegrityError):
                raise
        value = self.setting(key)
        assert isinstance(value, str)
        return bytes.fromhex(value)

    def rules(self) -> FlagRules:
        """The 红黄绿 rules in force (the ``flag_rules`` setting; ``rules_of_setting``)."""
        return rules_of_setting(self.setting(RULES_KEY))
