"""Reusable widgets: the paged table, the navigation line, forms, charts, the import preview."""
