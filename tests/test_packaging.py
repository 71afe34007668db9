"""projtrack installs like any package: what it reads at run time (the Alembic scripts, the sample
annex) is package data, not a file of the source tree."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_sample_annex_copies_are_one_file():
    """The demo's sample (package data), the one officers find in imports/ and the tests' fixture
    (whose true values sample-annex.expected.json holds) are the same workbook."""
    shipped = (ROOT / "projtrack" / "data" / "sample-annex.xlsx").read_bytes()
    assert (ROOT / "imports" / "sample-annex.xlsx").read_bytes() == shipped
    assert (ROOT / "tests" / "fixtures" / "sample-annex.xlsx").read_bytes() == shipped


def test_migrations_and_sample_are_read_from_the_package():
    import projtrack
    from projtrack import demo
    from projtrack.store import migrate

    package = Path(projtrack.__file__).parent
    assert Path(str(migrate.MIGRATIONS)) == package / "store" / "migrations"
    assert migrate.head_revision() in migrate.known_revisions()
    assert Path(str(demo.SAMPLE)) == package / "data" / "sample-annex.xlsx"
