"""What the peers do, each as a whole process of the peers' own interpreter (bench/.peers):

    bench/.peers/bin/python bench/peer_tasks.py calamine FILE.xlsx
    bench/.peers/bin/python bench/peer_tasks.py xlsxwriter SHAPE.json OUT.xlsx

``calamine``: python-calamine reads every value of every sheet of the workbook.
``xlsxwriter``: XlsxWriter (constant_memory) writes a workbook of the shape in SHAPE.json (the
shape of projtrack's weekly report, taken from one the subject wrote: per sheet its heading rows
as they are, then as many data rows as the report has, each column with its kind and number
format), as the script a user could write instead would.

This file imports only the standard library and the peer it runs (never projtrack or bench):
it is run as a script by the peers' interpreter.  It prints one JSON line.
"""

from __future__ import annotations

import datetime as dt
import json
import sys


def calamine(path: str) -> dict:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(path)
    values = 0
    for name in wb.sheet_names:
        for row in wb.get_sheet_by_name(name).to_python(skip_empty_area=False):
            values += len(row)
    return {"values": values}


def xlsxwriter(shape_path: str, out: str) -> dict:
    import xlsxwriter as xw

    with open(shape_path, encoding="utf-8") as fh:
        shape = json.load(fh)
    wb = xw.Workbook(out, {"constant_memory": True})
    formats: dict[str, object] = {}

    def fmt(code: str | None):
        if not code or code == "General":
            return None
        if code not in formats:
            formats[code] = wb.add_format({"num_format": code})
        return formats[code]

    cells = 0
    for sheet in shape["sheets"]:
        ws = wb.add_worksheet(sheet["name"])
        r = 0
        for row in sheet["head"]:
            for c, value in enumerate(row):
                if value is not None:
                    ws.write(r, c, value)
                    cells += 1
            r += 1
        columns = [(kind, fmt(code), sample) for kind, code, sample in sheet["columns"]]
        for i in range(sheet["rows"]):
            for c, (kind, f, sample) in enumerate(columns):
                if kind == "number":
                    ws.write_number(r, c, sample + i, f)
                elif kind == "text":
                    ws.write_string(r, c, sample, f)
                elif kind == "date":
                    ws.write_datetime(r, c, dt.datetime.fromisoformat(sample), f)
                else:
                    continue
                cells += 1
            r += 1
    wb.close()
    return {"cells": cells}


def main(argv: list[str]) -> int:
    what, *args = argv
    if what == "calamine":
        result = calamine(*args)
    elif what == "xlsxwriter":
        result = xlsxwriter(*args)
    else:
        raise SystemExit(f"unknown peer task {what!r}")
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
