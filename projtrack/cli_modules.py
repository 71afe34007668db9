"""The command modules that extend the command line: one import per module."""
import projtrack.cli_admin  # noqa: F401
import projtrack.cli_reports  # noqa: F401
import projtrack.cli_scale  # noqa: F401
