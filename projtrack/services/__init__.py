"""The one door to the data: every verb the CLI and the terminal UI share, one module per
family (portfolio, detail, entries, checks, undo, annex, column_map, history, progress,
weekly, export, settings, admin, demo, database).  A front end parses, calls one service, prints; a service reads and
writes through the store and computes through the core."""
