"""SQLModel tables.

Money, land and floor area are ``Scaled`` integers (exact on SQLite and PostgreSQL).  Editable
records (project, annual plan, milestone) carry a ``version`` used for optimistic concurrency:
SQLAlchemy refuses a save whose version changed underneath (StaleDataError).  Ledger and
progress entries are append-only; a correction or an undo is a new (reversal) entry.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    UniqueConstraint,
    false,
)
from sqlmodel import Field, SQLModel

from projtrack.core.terms import Phase, Status
from projtrack.store.types import Scaled

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


def table(model: type[SQLModel]) -> Table:
    """The Table of a table model: its ``__table__``, which SQLModel's types do not declare."""
    return model.__table__  # type: ignore[attr-defined]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _money(nullable: bool = True) -> Column:
    return Column(Scaled(6), nullable=nullable)


def _fk_project() -> Column:
    return Column(Integer, ForeignKey("project.id", ondelete="RESTRICT"), nullable=False, index=True)


_project_version = Column("version", Integer, nullable=False, server_default="1")


class Project(SQLModel, table=True):
    __tablename__ = "project"
    __table_args__ = (Index("uq_project_county_name", "county", "name", unique=True),)
    __mapper_args__ = {"version_id_col": _project_version}

    id: int | None = Field(default=None, primary_key=True)
    county: str = Field(default="", index=True, sa_column_kwargs={"server_default": ""})
    # migration 0010: the county (区县) the project belongs to; '' not yet named. A name is
    # unique within its county (uq_project_county_name)
    name: str = Field(index=True)
    category: str | None = Field(default=None, index=True)
    annex_class: str | None = None
    construction_type: str | None = None
    township: str | None = Field(default=None, index=True)
    responsible_unit: str | None = None
    start_year: int | None = None
    end_year: int | None = None
    total_investment: Decimal | None = Field(default=None, sa_column=_money())
    period_plan: Decimal | None = Field(default=None, sa_column=_money())
    land_mu: Decimal | None = Field(default=None, sa_column=_money())
    floor_area_m2: Decimal | None = Field(default=None, sa_column=_money())
    classes: int | None = None
    new_places: int | None = None
    content: str | None = None
    remarks: str | None = None
    project_code: str | None = Field(default=None, index=True)
    prior_actual: Decimal | None = Field(default=None, sa_column=_money())
    phase: str = Field(default=Phase.PREPARATION.value, index=True)
    status: str = Field(default=Status.ACTIVE.value, index=True)
    source_file: str | None = None
    source_sheet: str | None = None
    source_row: int | None = None
    annex_facts: str | None = None  # JSON of the facts as last imported: a re-import changes
    # only what the annex itself changed, so an officer's later edits are not undone
    created_at: dt.datetime = Field(default_factory=_now)
    updated_at: dt.datetime = Field(default_factory=_now)
    version: int = Field(default=1, sa_column=_project_version)


_plan_version = Column("version", Integer, nullable=False, server_default="1")


class AnnualPlan(SQLModel, table=True):
    """年度计划投资 of one project for one year (any year; revisable)."""

    __tablename__ = "annual_plan"
    __table_args__ = (UniqueConstraint("project_id", "year", name="uq_annual_plan_project_year"),)
    __mapper_args__ = {"version_id_col": _plan_version}

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=_fk_project())
    year: int
    amount: Decimal = Field(sa_column=_money(nullable=False))
    version: int = Field(default=1, sa_column=_plan_version)


class LedgerEntry(SQLModel, table=True):
    """One money entry (完成投资 / 到位资金 / 拨付).  Append-only: never updated, never deleted.

    ``amount`` is the increment in 万元 (negative for a reversal).  When the officer typed a new
    cumulative total, ``entered_cumulative`` keeps what was typed and ``amount`` the increment."""

    __tablename__ = "ledger_entry"
    __table_args__ = (Index("ix_ledger_entry_project_kind_date", "project_id", "kind", "entry_date"),
                      Index("ix_ledger_entry_date_project_kind_amount", "entry_date", "project_id",
                            "kind", "amount"))

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=_fk_project())
    kind: str
    entry_date: dt.date = Field(sa_column=Column(Date, nullable=False))
    amount: Decimal = Field(sa_column=_money(nullable=False))
    entered_cumulative: Decimal | None = Field(default=None, sa_column=_money())
    source: str | None = None
    note: str | None = None
    reverses_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("ledger_entry.id"), nullable=True)
    )
    origin: str | None = None  # "cli", "tui", "progress-import:<file>#<row>" …
    created_at: dt.datetime = Field(default_factory=_now)
    created_by: str = ""
    # migration 0006: a confirmed correction (a negative increment, or 开累 past 总投资), and how
    # a cumulative was typed: "year" (本年累计), "total" (开累), None (an increment)
    correction: bool = Field(default=False, sa_column=Column(
        Boolean, nullable=False, server_default=false()))
    basis: str | None = None
    row_hash: str | None = None  # migration 0007: the hash chain (store.chain), never set here


class FundingPlan(SQLModel, table=True):
    """The annex's funding plan of a project: 万元 from one source (中央, 省, 市, 专项债, 县财政,
    自筹, 其他), as its 资金来源 columns say."""

    __tablename__ = "funding_plan"
    __table_args__ = (UniqueConstraint("project_id", "source", name="uq_funding_plan_project_source"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=_fk_project())
    source: str
    amount: Decimal = Field(sa_column=_money(nullable=False))


def _fk_project_key() -> Column:
    return Column(Integer, ForeignKey("project.id", ondelete="RESTRICT"), primary_key=True)


class LedgerYear(SQLModel, table=True):
    """Σ of one project's 完成投资, 到位资金 and 拨付 entries in one calendar year, kept by the
    database.

    Derived, never written by projtrack: an AFTER INSERT trigger on ``ledger_entry`` (migration
    0004) adds each new entry to its year and to its month (``LedgerMonth``), and the ledger is
    append-only, so the sums are always those of the entries.  ``Store.ledger_sums`` reads the
    years before the as-of year from here, that year's months before the as-of month from
    ``ledger_month`` and only the as-of month's entries from the ledger: at N = 10,000 with
    weekly entries, about 30,000 rows instead of 2.3 million.  ``last_actual`` is the period's
    latest date with a positive 完成投资 (the figures' "last 完成投资")."""

    __tablename__ = "ledger_year"
    __table_args__ = ({"sqlite_with_rowid": False},)

    project_id: int = Field(sa_column=_fk_project_key())
    year: int = Field(primary_key=True)
    actual: Decimal = Field(sa_column=_money(nullable=False))  # Σ 完成投资
    funds: Decimal = Field(sa_column=_money(nullable=False))  # Σ 到位资金
    payments: Decimal = Field(sa_column=_money(nullable=False))  # Σ 拨付
    entries: int
    last_actual: dt.date | None = Field(default=None, sa_column=Column(Date, nullable=True))


class LedgerMonth(SQLModel, table=True):
    """The same sums per calendar month (see ``LedgerYear``); ``month`` is year × 100 + month
    (202506), first in the key so a year's months are one range."""

    __tablename__ = "ledger_month"
    __table_args__ = ({"sqlite_with_rowid": False},)

    month: int = Field(primary_key=True)
    project_id: int = Field(sa_column=_fk_project_key())
    actual: Decimal = Field(sa_column=_money(nullable=False))
    funds: Decimal = Field(sa_column=_money(nullable=False))
    payments: Decimal = Field(sa_column=_money(nullable=False))
    entries: int
    last_actual: dt.date | None = Field(default=None, sa_column=Column(Date, nullable=True))


DERIVED_TABLES = frozenset({"ledger_year", "ledger_month"})  # kept by triggers: never copied, only compared


class ProgressEntry(SQLModel, table=True):
    """形象进度: a stage and a percent (fraction, 0.4 = 40 %), dated.  Append-only."""

    __tablename__ = "progress_entry"
    __table_args__ = (Index("ix_progress_entry_project_date", "project_id", "entry_date", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=_fk_project())
    entry_date: dt.date = Field(sa_column=Column(Date, nullable=False))
    stage: str | None = None
    percent: Decimal | None = Field(default=None, sa_column=_money())
    note: str | None = None
    reverses_id: int | None = None
    origin: str | None = None
    created_at: dt.datetime = Field(default_factory=_now)
    created_by: str = ""
    row_hash: str | None = None  # the hash chain (store.chain)


_milestone_version = Column("version", Integer, nullable=False, server_default="1")


class Milestone(SQLModel, table=True):
    __tablename__ = "milestone"
    __table_args__ = (UniqueConstraint("project_id", "name", name="uq_milestone_project_name"),
                      Index("ix_milestone_project_seq", "project_id", "seq"))
    __mapper_args__ = {"version_id_col": _milestone_version}

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=_fk_project())
    name: str
    seq: int = 0
    planned: dt.date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    actual: dt.date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    version: int = Field(default=1, sa_column=_milestone_version)


class AuditLog(SQLModel, table=True):
    """Every change: what (entity, field), old and new value as text, when, and who (the OS user
    on SQLite; on PostgreSQL the login, set by the database: store.roles)."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=_now, index=True)
    user: str = ""
    action: str  # create, update, withdraw, entry, reverse, import …
    entity: str  # project, annual_plan, milestone, ledger_entry, progress_entry, setting
    entity_id: int | None = None
    project_id: int | None = Field(default=None, index=True)
    field: str | None = None
    old_value: str | None = None
    new_value: str | None = None
    context: str | None = None  # e.g. the import file
    row_hash: str | None = None  # the hash chain (store.chain)


class Setting(SQLModel, table=True):
    """Rules and targets as data (JSON text): flag rules, plan targets …"""

    __tablename__ = "setting"
    key: str = Field(primary_key=True)
    value: str
    version: int = Field(default=1)


def _count() -> Column:
    return Column(Integer, nullable=False, server_default="0")


class ImportRun(SQLModel, table=True):
    """An import that wrote something.  For an annex: its counts, and (migration 0005) what
    ``projtrack import undo`` needs to put the database back exactly as it was before — the
    rows the import changed as they were (JSON, see ``store.history``) — and when it was undone."""

    __tablename__ = "import_run"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=_now)
    user: str = ""
    kind: str = "annex"  # annex, progress
    county: str = Field(default="", sa_column_kwargs={"server_default": ""})  # 0010: the
    # county an annex import was for ('' not named)
    file: str
    sha256: str = Field(index=True)
    summary: str = ""  # JSON
    added: int = Field(default=0, sa_column=_count())
    changed: int = Field(default=0, sa_column=_count())
    withdrawn: int = Field(default=0, sa_column=_count())
    undo: str | None = None  # JSON: the before-state (None: recorded before 0005, or progress)
    undone_at: dt.datetime | None = None
    undone_by: str | None = None


class ReportSnapshot(SQLModel, table=True):
    """A weekly report as issued: its figures frozen as JSON, so that next week's "what changed"
    compares with what was actually reported and the report can be reprinted exactly.

    Append-only like the ledger (migration 0007): a re-issue is a new row, and a period's
    latest row (the highest id) is the report of that period; the earlier issues are kept."""

    __tablename__ = "report_snapshot"
    __table_args__ = (Index("ix_report_snapshot_kind_period", "kind", "period", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = "weekly"
    period: str  # ISO week, e.g. "2026-W48"
    as_of: dt.date = Field(sa_column=Column(Date, nullable=False))
    issued_at: dt.datetime = Field(default_factory=_now)
    issued_by: str = ""
    data: str  # JSON of the frozen report content
    sha256: str = ""
    row_hash: str | None = None  # the hash chain (store.chain)


class ChainHead(SQLModel, table=True):
    """Each chained table's row count and last row's hash (store.chain), moved on with every
    insert: rows removed from the end of a table are noticed by ``db check`` and ``restore``."""

    __tablename__ = "chain_head"

    name: str = Field(primary_key=True)
    rows: int = 0
    last_hash: str = ""


# --- baselines and budget changes (migration 0008) -------------------------------------------
class Baseline(SQLModel, table=True):
    """A named, dated frozen copy (基准) of every active project's annual plans, milestone
    planned dates and 总投资 (``BaselineProjectRow``, ``BaselinePlan``, ``BaselineMilestone``); at
    most one is ``current``.  ``source`` says what set it ("cli", "annex FILE", "demo");
    ``import_run_id`` the annex import that set it, which ``import undo`` removes with it.  The
    items keep project ids without a foreign key: a frozen copy outlives the rows it copied."""

    __tablename__ = "baseline"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    created_at: dt.datetime = Field(default_factory=_now)
    created_by: str = ""
    source: str = "cli"
    current: bool = Field(default=False, sa_column=Column(
        Boolean, nullable=False, server_default=false()))
    import_run_id: int | None = None


def _fk_baseline() -> Column:
    return Column(Integer, ForeignKey("baseline.id", ondelete="CASCADE"), nullable=False,
                  index=True)


class BaselineProjectRow(SQLModel, table=True):
    __tablename__ = "baseline_project"
    __table_args__ = (UniqueConstraint("baseline_id", "project_id",
                                       name="uq_baseline_project_baseline_project"),)

    id: int | None = Field(default=None, primary_key=True)
    baseline_id: int = Field(sa_column=_fk_baseline())
    project_id: int
    name: str
    total_investment: Decimal | None = Field(default=None, sa_column=_money())


class BaselinePlan(SQLModel, table=True):
    __tablename__ = "baseline_plan"

    id: int | None = Field(default=None, primary_key=True)
    baseline_id: int = Field(sa_column=_fk_baseline())
    project_id: int
    year: int
    amount: Decimal = Field(sa_column=_money(nullable=False))


class BaselineMilestone(SQLModel, table=True):
    __tablename__ = "baseline_milestone"

    id: int | None = Field(default=None, primary_key=True)
    baseline_id: int = Field(sa_column=_fk_baseline())
    project_id: int
    name: str
    planned: dt.date | None = Field(default=None, sa_column=Column(Date, nullable=True))


_budget_version = Column("version", Integer, nullable=False, server_default="1")


class BudgetChangeRow(SQLModel, table=True):
    """A change of a project's 总投资 and/or annual plans (调整), with its approval: ``state`` 拟调整
    (proposed) → 已批复 (approved) or 未批准 (rejected); only an approval moves the figures.
    ``doc_no`` is the approval document (批复文号), ``decided_on`` its date; ``source`` says
    where the change came from ("cli", "tui", "annex FILE", "demo").  Its lines
    (``BudgetChangeLine``) hold each figure as it was when proposed and as it is to be."""

    __tablename__ = "budget_change"
    __mapper_args__ = {"version_id_col": _budget_version}

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=_fk_project())
    state: str = Field(index=True)
    reason: str | None = None
    source: str = "cli"
    proposed_at: dt.datetime = Field(default_factory=_now)
    proposed_by: str = ""
    doc_no: str | None = None
    decided_on: dt.date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    decided_at: dt.datetime | None = None
    decided_by: str | None = None
    decision_note: str | None = None
    import_run_id: int | None = None
    version: int = Field(default=1, sa_column=_budget_version)


class BudgetChangeLine(SQLModel, table=True):
    """One figure a budget change moves: ``field`` "total_investment", or "plan" with its
    ``year``; ``old`` as it was when proposed, ``new`` what it becomes, ``delta`` = new − old."""

    __tablename__ = "budget_change_line"

    id: int | None = Field(default=None, primary_key=True)
    change_id: int = Field(sa_column=Column(
        Integer, ForeignKey("budget_change.id", ondelete="CASCADE"), nullable=False, index=True))
    field: str
    year: int | None = None
    old: Decimal | None = Field(default=None, sa_column=_money())
    new: Decimal | None = Field(default=None, sa_column=_money())
    delta: Decimal = Field(sa_column=_money(nullable=False))


# --- the issues log (migration 0009) --------------------------------------------------------
class IssueRow(SQLModel, table=True):
    """An issue of a project (存在问题): what, who must act (``owner``: 责任单位 or 领导, free
    text), by when.  Append-only and hash-chained like the ledger: never edited; its state is
    the one its latest update (``IssueUpdateRow``) gave it."""

    __tablename__ = "issue"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(sa_column=_fk_project())
    raised_on: dt.date = Field(sa_column=Column(Date, nullable=False))
    text: str
    owner: str | None = None
    due: dt.date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    origin: str | None = None  # "cli", "tui", "demo"
    created_at: dt.datetime = Field(default_factory=_now)
    created_by: str = ""
    row_hash: str | None = None  # the hash chain (store.chain)


class IssueUpdateRow(SQLModel, table=True):
    """A dated update of an issue: what happened, the state it moved to (None: unchanged), who
    reported it.  Append-only and hash-chained."""

    __tablename__ = "issue_update"
    __table_args__ = (Index("ix_issue_update_issue_date", "issue_id", "update_date", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    issue_id: int = Field(sa_column=Column(Integer, ForeignKey("issue.id", ondelete="RESTRICT"),
                                           nullable=False))
    project_id: int = Field(sa_column=_fk_project())
    update_date: dt.date = Field(sa_column=Column(Date, nullable=False))
    text: str | None = None
    status: str | None = None
    who: str = ""
    origin: str | None = None
    created_at: dt.datetime = Field(default_factory=_now)
    created_by: str = ""
    row_hash: str | None = None  # the hash chain (store.chain)


class AccessGrant(SQLModel, table=True):
    """Who may do what on a shared PostgreSQL database (migration 0011): a login's role
    (leader, officer, reporter) in a county ('' = every county) and, for a reporter, the
    township or responsible unit whose projects they fill in.  One role per login; a leader
    of several counties has a row for each.  Written only by the schema's owner
    (``projtrack db grant``); read by every login, whose row-level security policies it
    answers.  Empty on SQLite, which has no logins."""

    __tablename__ = "access_grant"
    __table_args__ = (UniqueConstraint("login", "county", "township", "unit",
                                       name="uq_access_grant_login_scope"),)

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(index=True)
    role: str
    county: str = Field(default="", sa_column_kwargs={"server_default": ""})
    township: str = Field(default="", sa_column_kwargs={"server_default": ""})
    unit: str = Field(default="", sa_column_kwargs={"server_default": ""})
