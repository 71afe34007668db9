from projtrack.cli import run

run()
