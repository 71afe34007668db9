"""projtrack — capital-project portfolio tracker for a county education bureau."""

__version__ = "0.1.0"
