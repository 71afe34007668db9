"""The command modules that extend the command line: one import per module."""
