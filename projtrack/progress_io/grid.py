"""A returned sheet's cells as plain values, whatever wrote the file: openpyxl for .xlsx (cached
values, with the cells whose formula has no cached value and those formatted as a percent),
python-calamine for a legacy .xls (the values it holds; no formats, no formula text).

Only ``reader`` opens files, after the importer's safety checks (magic bytes; for .xlsx the
zip's sizes and ratios, no DTDs and the row bound; for .xls its size and the row bound); this
module turns what was opened into ``SheetGrid``s that ``meaning`` reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from projtrack.importer.xlsbook import is_hidden, is_worksheet, xls_values


@dataclass
class SheetGrid:
    """One sheet: ``rows[r - 1][c - 1]`` is the value of the cell at row r, column c (1-based)."""

    name: str
    kind: str  # xlsx | xls
    rows: list[tuple] = field(default_factory=list)
    hidden: bool = False
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1
    hidden_columns: set[int] = field(default_factory=set)
    uncached: set[tuple[int, int]] = field(default_factory=set)  # formulas without a value
    percent: set[tuple[int, int]] = field(default_factory=set)  # cells formatted as a percent
    locked: set[tuple[int, int]] = field(default_factory=set)  # locked cells (xlsx)

    def value(self, r: int, c: int) -> object:
        if r < 1 or r > len(self.rows):
            return None
        row = self.rows[r - 1]
        return row[c - 1] if 0 < c <= len(row) else None

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def is_formula(raw: object) -> bool:
    """A cell value as openpyxl reads it without ``data_only`` is a formula (array ones too)."""
    text = getattr(raw, "text", raw)
    return isinstance(text, str) and text.startswith("=")


def xlsx_grids(wb, wbf) -> list[SheetGrid]:
    """Every worksheet of an openpyxl workbook opened twice (values, formulas)."""
    out = []
    for ws in wb.worksheets:
        g = SheetGrid(ws.title, "xlsx", hidden=ws.sheet_state in ("hidden", "veryHidden"))
        wsf = wbf[ws.title]
        for row in ws.iter_rows():
            values = []
            for cell in row:
                value = cell.value
                values.append(value)
                if value is None:
                    if is_formula(wsf.cell(row=cell.row, column=cell.column).value):
                        g.uncached.add((cell.row, cell.column))
                elif "%" in (cell.number_format or ""):
                    g.percent.add((cell.row, cell.column))
                if value is not None and cell.protection.locked:
                    g.locked.add((cell.row, cell.column))
            g.rows.append(tuple(values))
        g.merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
        for dim in ws.column_dimensions.values():
            if dim.hidden and dim.min:
                g.hidden_columns.update(range(dim.min, (dim.max or dim.min) + 1))
        out.append(g)
    return out


def xls_grids(book, max_rows: int) -> list[SheetGrid]:
    """Every worksheet of a calamine workbook; a sheet above ``max_rows`` rows raises
    ValueError("too_big", rows)."""
    out = []
    for meta in book.sheets_metadata:
        if not is_worksheet(meta):
            continue
        sheet = book.get_sheet_by_name(meta.name)
        if sheet.total_height > max_rows:
            raise ValueError("too_big", sheet.total_height)
        g = SheetGrid(meta.name, "xls", hidden=is_hidden(meta))
        g.rows = [tuple(xls_values(v) for v in r) for r in sheet.to_python(skip_empty_area=False)]
        g.merges = [(r0 + 1, c0 + 1, r1 + 1, c1 + 1)
                    for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
        out.append(g)
    return out
