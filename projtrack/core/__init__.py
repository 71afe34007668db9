"""Pure domain code: standard library and python-dateutil only (no database, no UI)."""
