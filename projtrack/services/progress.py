"""The progress fill-in round trip, for the front ends: a template goes out
(``make_template``), returned sheets come back (``import_progress``, ``summary_text``).

The verbs are those of ``projtrack.progress_io`` (its ``__init__``), named here so that the CLI
and the terminal UI reach them through services alone; they read and write through the store,
in one transaction per import.
"""

from __future__ import annotations

from projtrack.progress_io import import_progress, make_template, summary_text

__all__ = ["import_progress", "make_template", "summary_text"]
