"""Reading the annex spreadsheet (附件:项目安排表) into ProjectFacts and issues.

``read_annex`` is imported lazily, so importing this package does not load openpyxl (nor does
reading an annex, unless a sheet needs openpyxl's parser: see ``workbook``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .model import Issue, ParsedAnnex

if TYPE_CHECKING:
    from .reader import read_annex

__all__ = ["Issue", "ParsedAnnex", "read_annex"]


def __getattr__(name: str):
    if name == "read_annex":
        from .reader import read_annex

        return read_annex
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
