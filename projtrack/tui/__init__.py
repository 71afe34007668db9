"""The terminal UI (Textual).  The only package that imports textual; start it with
``projtrack.tui.run.run_tui`` or build ``projtrack.tui.app.ProjtrackApp`` directly (tests)."""
