from tests.reports.demo import demo_db, demo_file, demo_store  # noqa: F401
