"""The fixed words of the domain, each defined once as a ``StrEnum``.

A member is the very string the database, the JSON export and the frozen reports hold (``str``
subclass: it compares, hashes, formats and serialises as its value), so code writes
``Status.WITHDRAWN`` where it wrote ``"withdrawn"`` and nothing stored changes.  Values read
back from the database are plain strings; they compare equal to the members.

Words officers read (phase, category, annex class, entry kind) are the annex's own Chinese terms;
the i18n catalogs translate them for display (``term.<value>``).  Codes (status, flag, reason)
are English identifiers, translated the same way.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Whether a project is in the portfolio: a project the annex no longer lists is withdrawn
    (kept with its history, left out of every total)."""

    ACTIVE = "active"
    WITHDRAWN = "withdrawn"


class Flag(StrEnum):
    """红黄绿, as a code (the order of severity is green < yellow < red)."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


class Reason(StrEnum):
    """Why a project is flagged (``Figures.flag_reasons``)."""

    LAGGING = "lagging"  # annual rate more than the yellow threshold behind time progress
    LAGGING_BADLY = "lagging_badly"  # more than the red threshold behind
    OVERRUN = "overrun"  # cumulative actual above 总投资
    STALLED = "stalled"  # no 完成投资 for the stalled weeks while in a stalled phase
    MILESTONE_OVERDUE = "milestone_overdue"
    YEAR_AT_RISK = "year_at_risk"  # 预计年度完成率 below the line, read from 1 July
    OVERRUN_FORECAST = "overrun_forecast"  # EAC above 总投资 (not yet over it)
    TERM_AT_RISK = "term_at_risk"  # forecast 投用 after 31 August of the end year
    NO_PROGRESS_RATE = "no_progress_rate"  # no physical progress rate to forecast from


class EntryKind(StrEnum):
    """The three series of the append-only ledger, in 万元."""

    ACTUAL = "完成投资"  # investment completed (work put in place)
    FUNDS = "到位资金"  # funds received (with a source)
    PAYMENT = "拨付"  # payments made


class Phase(StrEnum):
    """A project's phase (阶段)."""

    PREPARATION = "前期"
    CONSTRUCTION = "在建"
    COMPLETED = "竣工"
    IN_USE = "投用"
    SUSPENDED = "暂缓"
    CANCELLED = "取消"


class Category(StrEnum):
    """The annex's categories (学段), in the annex's order; a project without one counts as
    ``OTHER`` in every grouping."""

    SCHOOL = "中小学"
    KINDERGARTEN = "幼儿园"
    VOCATIONAL = "职业教育"
    SPECIAL = "特殊教育"
    OTHER = "其他"


class AnnexClass(StrEnum):
    """The annex's classes (项目类型), in the annex's order."""

    CONTINUING = "续建"
    NEW_START = "新开工"
    PREPARATORY = "前期"


class BudgetState(StrEnum):
    """A budget change's state (调整的审批): proposed, then approved or rejected; only an
    approved change moves 总投资 and the annual plans."""

    PROPOSED = "拟调整"
    APPROVED = "已批复"
    REJECTED = "未批准"


class IssueState(StrEnum):
    """An issue's state (存在问题的协调状态): raised 待协调 (awaiting coordination), then 协调中
    (being coordinated), then 已解决 (resolved); it only moves forward."""

    PENDING = "待协调"
    COORDINATING = "协调中"
    RESOLVED = "已解决"
