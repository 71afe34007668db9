"""The marks projtrack leaves on the workbooks it writes, so that it knows them again.

Each workbook projtrack writes carries a custom document property ``projtrack`` naming what it
is (Excel, WPS and LibreOffice keep custom properties when they save a file).  The annex
importer reads it (``importer.own``): a progress template or a weekly report is refused as an
annex, with the command that does take it; a portfolio export is read as the annex it is meant
to be.  Copies pasted into a new workbook lose the property; the importer then knows them by
their content.
"""

from __future__ import annotations

PROPERTY = "projtrack"
PROGRESS_TEMPLATE = "progress-template"
WEEKLY_REPORT = "weekly-report"
PORTFOLIO_EXPORT = "portfolio-export"
KINDS = (PROGRESS_TEMPLATE, WEEKLY_REPORT, PORTFOLIO_EXPORT)

# the sheets of a portfolio export (reports.export_xlsx): the annex, and the figures at the as-of date
EXPORT_ANNEX_SHEET = "项目"
EXPORT_FIGURES_SHEET = "完成情况"
EXPORT_TITLE = "项目安排表(projtrack 导出,截至 {as_of})"
EXPORT_FIGURES_HEADER = ("序号", "项目", "阶段", "状态")  # the first columns of 完成情况


def mark(wb, kind: str) -> None:
    """Name ``kind`` in the custom document properties of the openpyxl workbook ``wb``."""
    from openpyxl.packaging.custom import StringProperty

    assert kind in KINDS, kind
    wb.custom_doc_props.append(StringProperty(name=PROPERTY, value=kind))
