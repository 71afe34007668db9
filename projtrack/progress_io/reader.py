"""Reading returned progress sheets: every fill-in cell is read and checked on its own here
(a number, a percent 0–100, a stage, a date not after the week, a short note); what the database
already holds is checked when the import is planned (``plan``).

Every problem names its file and cell.  The file is opened only after the importer's safety
checks (magic bytes; for .xlsx the zip's sizes and ratios, no DTDs, the row bound; for .xls its
size and the row bound), and read with the layout the template recorded in its hidden sheet
when that layout is intact, else by meaning (``meaning``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import warnings
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import defusedxml  # noqa: F401  (openpyxl parses with defusedxml when it is importable)

import openpyxl  # isort: skip  (after defusedxml)
from openpyxl.utils import get_column_letter

from projtrack.core.money import NumberFormatError, NumState, read_number
from projtrack.core.text import clean_text
from projtrack.core.types import STAGES
from projtrack.i18n import t, term
from projtrack.importer.workbook import WorkbookError, check_sheet_rows, check_zip, sniff_kind
from projtrack.importer.xlsbook import open_xls
from projtrack.progress_io.grid import is_formula
from projtrack.progress_io.layout import (
    MAGIC,
    MAX_NOTE,
    MAX_RETURN_ROWS,
    META_SHEET,
    VERSION,
    changed_parts,
    header_key,
)
from projtrack.typed import Refused, read_amount, read_date, read_percent

EARLIEST = dt.date(2000, 1, 1)


@dataclass(frozen=True)
class SheetProblem:
    """An error (or a warning) in a returned file; ``cell`` is "Sheet!K7", or None for the file."""

    file: str
    cell: str | None
    key: str
    params: dict = field(default_factory=dict)
    refused: Refused | None = None  # a value the typed-input parser refused: its own message

    def text(self, lang: str | None = None) -> str:
        message = self.refused.render(lang) if self.refused is not None \
            else t(self.key, lang=lang, **self.params)
        where = f"{self.file} {self.cell}" if self.cell else self.file
        return t("progress.where", lang=lang, where=where, message=message)


@dataclass(frozen=True)
class Value:
    """A value read from a cell, with the cell it came from ("Sheet!K7")."""

    value: object
    cell: str


@dataclass
class FilledRow:
    file: str
    sheet: str
    row: int
    project_id: int
    name: str
    week_actual: Value | None = None  # Decimal 万元
    cumulative: Value | None = None  # Decimal 万元
    stage: Value | None = None  # a STAGES word
    percent: Value | None = None  # Decimal fraction
    # name, date, and whether the template printed it (a date already recorded; locked cell)
    milestones: list[tuple[str, Value, bool]] = field(default_factory=list)
    note: Value | None = None  # str
    code: str = ""  # 项目代码 as the row gives it (a sheet read by meaning)
    id_cell: str | None = None  # the cell that names the project, when not column A
    basis: str | None = None  # the cumulative's: None (the entries' new total), year, total
    matched_by: str = "id"  # how its project was found: id (then its name is checked), code, name

    @property
    def cell_a(self) -> str:
        return self.id_cell or f"{self.sheet}!A{self.row}"

    def empty(self) -> bool:
        return not (self.week_actual or self.cumulative or self.stage or self.percent
                    or self.milestones or self.note)

    def filled(self) -> bool:
        """Something the sender entered (a date the template printed does not count)."""
        return bool(self.week_actual or self.cumulative or self.stage or self.percent
                    or self.note or any(not shown for _, _, shown in self.milestones))


@dataclass
class ReturnedFile:
    path: Path
    name: str
    sha256: str
    period: str = ""
    week_start: dt.date | None = None
    week_end: dt.date | None = None
    as_of: dt.date | None = None  # the day the sheet's figures refer to (its template's as-of)

    @property
    def entry_date(self) -> dt.date | None:
        """The date its entries are recorded on: the sheet's as-of date (a template made
        before this was written down: the week's last day)."""
        return self.as_of or self.week_end
    rows: list[FilledRow] = field(default_factory=list)
    read_by: str = "template"  # template (its recorded layout) | meaning (meaning.find_layout)
    signed: bool = False  # its hidden sheet was there and its signatures held
    week_from: str = ""  # where the week came from: the signed sheet, a title cell, --week
    recognized: list = field(default_factory=list)  # meaning.Recognized, read by meaning
    ignored: list = field(default_factory=list)  # (cell, label, why) of columns not read
    warnings: list[SheetProblem] = field(default_factory=list)


def _stage_words() -> dict[str, str]:
    words = {s: s for s in STAGES}
    for lang in ("en", "zh"):
        words.update({term(s, lang).strip().lower(): s for s in STAGES})
    return words


class _Cells:
    """One sheet's values (cached values of formulas) and the formulas without a cached value."""

    def __init__(self, ws_values, ws_formulas):
        self.v, self.f = ws_values, ws_formulas

    def get(self, row: int, col: int):
        cell = self.v.cell(row=row, column=col)
        value = cell.value
        if value is None and is_formula(self.f.cell(row=row, column=col).value):
            return cell, _NO_CACHE
        return cell, value


_NO_CACHE = object()


def _read_cell(kind: str, cell, value, ref: str, file: str, week_end: dt.date,
               problems: list[SheetProblem], stages: dict[str, str]) -> Value | None:
    """One fill-in cell → a Value, None when empty, or a problem."""
    def bad(key: str, **params) -> None:
        problems.append(SheetProblem(file, ref, key, {"found": _show(value), **params}))

    def refused(exc: Refused) -> None:
        problems.append(SheetProblem(file, ref, "err.refused", {"found": _show(value)}, exc))

    if value is _NO_CACHE:
        problems.append(SheetProblem(file, ref, "progress.err.formula"))
        return None
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if kind in ("week_actual", "cumulative"):
        try:
            num = read_number(value)
        except NumberFormatError as exc:
            return refused(Refused(kind, value, "amount", exc.code))
        if num.state in (NumState.BLANK, NumState.NONE):
            return None
        if num.state is NumState.TBD:  # 待定: not a figure one can record
            return refused(Refused(kind, value, "amount", "not_a_number"))
        try:  # the figure as a typed amount: no bracketed note, not negative, to the cent
            return Value(read_amount(value, kind), ref)
        except Refused as exc:
            return refused(exc)
    if kind == "percent":
        raw = value
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) \
                and "%" in (cell.number_format or ""):
            raw = Decimal(repr(value)) * 100 if isinstance(value, float) else Decimal(value) * 100
        try:
            return Value(read_percent(raw), ref)
        except Refused as exc:
            return refused(exc)
    if kind == "stage":
        stage = stages.get(str(value).strip().lower())
        if stage is None:
            return bad("progress.err.stage", stages="、".join(STAGES))
        return Value(stage, ref)
    if kind == "date":
        try:
            day = read_date(value, "milestone_date")
        except Refused as exc:
            return refused(exc)
        if day < EARLIEST:
            return bad("progress.err.date")
        if day > week_end:
            return bad("progress.err.date_after_week", end=week_end.isoformat())
        return Value(day, ref)
    # text (the note)
    text = clean_text(str(value))
    if text and len(text) > MAX_NOTE:
        return bad("progress.err.note_long", n=MAX_NOTE)
    return Value(text, ref) if text else None


def id_of(value: object) -> int | None:
    """A project id as a cell holds it: an int, a whole float (.xls, WPS), digits as text."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _show(value: object) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value) if value is not None and value is not _NO_CACHE else ""


def _open(path: Path, data_only: bool):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(path, data_only=data_only, keep_links=False)


def _meta_of(rows: list[tuple]) -> dict[str, str]:
    return {str(r[0]): str(r[1]) for r in rows if len(r) > 1 and r[0] is not None
            and r[1] is not None}


def read_returned(path: Path, *, secret: bytes | None = None, week: str | None = None,
                  as_of: dt.date | None = None) -> tuple[ReturnedFile, list[SheetProblem]]:
    """Read one returned sheet (.xlsx, or .xls through calamine).  A sheet made by ``progress
    template`` whose layout is intact is read by that layout; any other — renamed, pasted into
    a new workbook, columns added or hidden, saved as .xls — by meaning (``meaning``).  The
    hidden sheet, when there, is checked against its signatures under ``secret`` (the
    database's, ``layout.sign``) before anything in it is believed; without it the week comes
    from the title rows or ``week`` (entries dated ``as_of`` when it falls in that week, else
    the week's last day).  Returns what was filled in and every problem found.  A sheet of
    more than MAX_RETURN_ROWS rows is refused before it is parsed."""
    from projtrack.progress_io.grid import xls_grids, xlsx_grids

    name = path.name
    problems: list[SheetProblem] = []
    wb = wbf = None
    grids = None
    try:
        kind = sniff_kind(path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if kind == "xlsx":
            with zipfile.ZipFile(path) as zf:
                check_zip(zf)
                check_sheet_rows(zf, MAX_RETURN_ROWS)
            wb, wbf = _open(path, True), _open(path, False)
        else:
            book = open_xls(path)
            try:
                grids = xls_grids(book, MAX_RETURN_ROWS)
            except ValueError as exc:
                if exc.args[:1] != ("too_big",):
                    raise
                raise WorkbookError("too_big", "", found=f"{exc.args[1]:,}",
                                    expected=f"{MAX_RETURN_ROWS:,}") from exc
            finally:
                book.close()
    except WorkbookError as exc:
        if exc.code == "too_big":
            problems.append(SheetProblem(name, None, "progress.err.too_big",
                                    {"found": exc.found, "limit": exc.expected}))
            return ReturnedFile(path, name, ""), problems
        problems.append(SheetProblem(name, None, "progress.err.file", {"why": exc.message}))
        return ReturnedFile(path, name, ""), problems
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        problems.append(SheetProblem(name, None, "progress.err.file", {"why": type(exc).__name__}))
        return ReturnedFile(path, name, ""), problems
    out = ReturnedFile(path, name, digest)
    if wb is not None:
        names = wb.sheetnames
        meta_rows = list(wb[META_SHEET].iter_rows(min_row=1, max_col=2, values_only=True)) \
            if META_SHEET in names else []
    else:
        assert grids is not None
        names = [g.name for g in grids]
        meta_rows = next((g.rows for g in grids if g.name == META_SHEET), [])
    meta: dict[str, str] | None = _meta_of(meta_rows) if META_SHEET in names else None
    if meta is not None and meta.get("magic") != MAGIC:
        meta = None  # a sheet of that name that is not ours: read by meaning
    if meta is not None and meta.get("version") != str(VERSION):
        problems.append(SheetProblem(name, None, "progress.err.version",
                                {"version": meta.get("version")}))
        return out, problems
    if meta is not None and wb is not None and _layout_intact(wb, meta):
        return _read_layout(out, wb, wbf, meta, secret, problems)
    if grids is None:
        grids = xlsx_grids(wb, wbf)
    return _read_meaning(out, grids, meta, secret, problems, week=week, as_of=as_of)


def _layout_intact(wb, meta: dict[str, str]) -> bool:
    """The template's sheet is there and every header the hidden sheet lists is where it says."""
    sheet, lang = meta.get("sheet", ""), meta.get("lang", "zh")
    try:
        codes = meta["columns"].split(",")
        header_row = int(meta["header_row"])
    except (KeyError, ValueError):
        return False
    if sheet not in wb.sheetnames:
        return False
    ws = wb[sheet]
    return all(str(ws.cell(row=header_row, column=i).value or "").strip()
               == t(header_key(code), lang=lang) for i, code in enumerate(codes, 1))


def _signature_problems(name: str, meta: dict[str, str], ids: list[str],
                        secret: bytes | None) -> list[SheetProblem]:
    return [SheetProblem(name, None, f"progress.err.signature_{part}",
                         {"period": meta.get("period", ""), "as_of": meta.get("as_of", ""),
                          "week_end": meta.get("week_end", "")})
            for part in changed_parts(secret, meta, ids)]


def _take_signed_week(out: ReturnedFile, meta: dict[str, str]) -> dt.date:
    """The week and as-of date of a template whose signatures held (its hidden sheet's); the
    week's last day."""
    out.signed, out.week_from = True, "template"
    out.period = meta["period"]
    out.week_start = dt.date.fromisoformat(meta["week_start"])
    out.week_end = dt.date.fromisoformat(meta["week_end"])
    if meta.get("as_of"):
        out.as_of = min(dt.date.fromisoformat(meta["as_of"]), out.week_end)
    return out.week_end


def _read_meaning(out: ReturnedFile, grids, meta: dict[str, str] | None, secret: bytes | None,
                  problems: list[SheetProblem], *, week: str | None,
                  as_of: dt.date | None) -> tuple[ReturnedFile, list[SheetProblem]]:
    from projtrack.core.calendar import resolve_week
    from projtrack.progress_io.meaning import find_layout, read_rows, weeks_in_title

    name = out.name
    out.read_by = "meaning"
    tables = [g for g in grids if g.name != META_SHEET]
    if meta is not None and meta.get("sheet") in [g.name for g in tables]:  # its sheet first
        tables.sort(key=lambda g: g.name != meta.get("sheet"))
    else:
        tables.sort(key=lambda g: g.hidden)  # the visible sheets first
    found = [(g, lay) for g in tables if (lay := find_layout(g)) is not None]
    if not found:
        problems.append(SheetProblem(name, None, "progress.err.no_table"))
        return out, problems
    g, lay = found[0]
    out.recognized, out.ignored = lay.recognized, lay.ignored
    for other, _ in found[1:]:
        out.warnings.append(SheetProblem(name, None, "progress.warn.other_sheet",
                                         {"sheet": other.name, "used": g.name}))
    if meta is not None:
        col = lay.cols.get("id")
        ids = [_show(v) for r in range(lay.header_row + 1, len(g.rows) + 1)
               if col and (v := g.value(r, col)) is not None]
        problems.extend(_signature_problems(name, meta, ids, secret))
        if problems:
            return out, problems
        _take_signed_week(out, meta)
    else:
        titled, doubtful = weeks_in_title(g, lay.header_row)
        periods = {p for p, _, _ in titled}
        if week is not None:
            try:
                wanted = resolve_week(week, dt.date.today())[0]
            except ValueError:
                problems.append(SheetProblem(name, None, "progress.err.bad_week", {"found": week}))
                return out, problems
            clash = [(p, c) for p, c, _ in titled if p != wanted]
            if clash:
                problems.append(SheetProblem(name, clash[0][1], "progress.err.week_clash",
                                             {"found": clash[0][0], "week": wanted}))
                return out, problems
            out.warnings.extend(SheetProblem(name, c, "progress.warn.week_text",
                                             {"found": text, "week": wanted})
                                for c, text in doubtful)
            period, out.week_from = wanted, "--week"
        elif doubtful:  # a title that reads as a week but names none: never guessed past
            problems.extend(SheetProblem(name, c, "progress.err.week_text", {"found": text})
                            for c, text in doubtful)
            return out, problems
        elif len(periods) == 1:
            period, out.week_from = titled[0][0], f"{titled[0][1]}“{titled[0][2]}”"
        elif len(periods) > 1:
            problems.append(SheetProblem(name, None, "progress.err.two_weeks", {
                "weeks": "、".join(f"{p} ({c})" for p, c, _ in titled)}))
            return out, problems
        else:
            problems.append(SheetProblem(name, None, "progress.err.no_week"))
            return out, problems
        out.period, out.week_start, out.week_end = resolve_week(period, dt.date.today())
        out.as_of = as_of if as_of and out.week_start <= as_of <= out.week_end else out.week_end
    read_rows(out, g, lay, problems)
    return out, problems


def _read_layout(out: ReturnedFile, wb, wbf, meta: dict[str, str], secret: bytes | None,
                 problems: list[SheetProblem]) -> tuple[ReturnedFile, list[SheetProblem]]:
    """A template whose layout is intact, read by the layout its hidden sheet records."""
    name = out.name
    sheet, lang = meta.get("sheet", ""), meta.get("lang", "zh")
    codes = meta["columns"].split(",")
    header_row, first_row = int(meta["header_row"]), int(meta["first_row"])
    cells = _Cells(wb[sheet], wbf[sheet])
    ids = [_show(v) for r in range(max(first_row, 1), cells.v.max_row + 1)
           if first_row and (v := cells.v.cell(row=r, column=1).value) is not None]
    problems.extend(_signature_problems(name, meta, ids, secret))  # before any of it is believed
    if problems:
        return out, problems
    week_end = _take_signed_week(out, meta)
    for i, code in enumerate(codes, 1):
        want = t(header_key(code), lang=lang)
        _, got = cells.get(header_row, i)
        if str(got or "").strip() != want:
            problems.append(SheetProblem(name, f"{sheet}!{get_column_letter(i)}{header_row}",
                                    "progress.err.header", {"want": want, "found": _show(got)}))
    if problems:
        return out, problems
    stages = _stage_words()
    col = {code: i for i, code in enumerate(codes, 1)}
    for r in range(first_row, cells.v.max_row + 1):
        def ref(code: str, r: int = r) -> str:
            return f"{sheet}!{get_column_letter(col[code])}{r}"

        values = {code: cells.get(r, i) for code, i in col.items()}
        _, pid = values["id"]
        # milestone cells are read even where the template showed a date already recorded: the
        # plan finds those unchanged, so nothing rests on the cell protection surviving
        fill = {code: v for code, v in values.items()
                if code in ("week_actual", "cumulative", "stage", "percent", "note")
                or code.startswith("ms:")}
        if pid is None and all(v is None or (isinstance(v, str) and not v.strip())
                               for _, v in fill.values()):
            continue
        if (project_id := id_of(pid)) is None:
            problems.append(SheetProblem(name, ref("id"), "progress.err.no_id", {"found": _show(pid)}))
            continue
        _, sheet_name = values["name"]
        row = FilledRow(name, sheet, r, project_id, str(sheet_name or ""))
        for code, (cell, value) in fill.items():
            kind = {"week_actual": "week_actual", "cumulative": "cumulative", "stage": "stage",
                    "percent": "percent", "note": "text"}.get(code, "date")
            got = _read_cell(kind, cell, value, ref(code), name, week_end, problems, stages)
            if got is None:
                continue
            if code.startswith("ms:"):
                row.milestones.append((code[3:], got, bool(cell.protection.locked)))
            else:
                setattr(row, code, got)
        if row.week_actual and row.cumulative:
            problems.append(SheetProblem(name, ref("cumulative"), "progress.err.both"))
        if not row.empty():
            out.rows.append(row)
    return out, problems

