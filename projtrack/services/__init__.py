"""The one door to the data: every verb the CLI and the terminal UI share, one module per
family (portfolio, detail, entries, annex, history, progress, weekly, export, settings,
admin, demo, database).  A front end parses, calls one service, prints; a service reads and
writes through the store and computes through the core."""
