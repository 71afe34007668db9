"""The officer's week, timed: the sample county (88 projects) from its annex to the issued
weekly report and the 通报 paragraph, with thirty returns in the shapes townships send
(tests/progress/week_kit.py, the same week tests/test_week.py checks figure by figure).

    .venv/bin/python -m bench.week [--rounds 3]

Each round runs the whole week in a new folder; the table is the median of each step over the
rounds, in seconds of the machine's time (the officer's own time is the minutes spent sending
the templates and reading the 催报 list; the machine's is what they wait for). Results go to
bench/results.json under "week" (the rest of the file is kept).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def run(rounds: int) -> dict:
    from tests.progress import returns_kit as kit
    from tests.progress import week_kit as wk

    annex = ROOT / "tests" / "fixtures" / "sample-annex.xlsx"
    steps: dict[str, list[float]] = {}
    for _ in range(rounds):
        with tempfile.TemporaryDirectory(prefix="projtrack-week-") as folder:
            week = wk.run_week(Path(folder), annex)
            for name, seconds in week.steps.items():
                steps.setdefault(name, []).append(seconds)
    return {"projects": 88, "returns": wk.RETURNS, "rounds": rounds,
            "shapes": [s for s in kit.SHAPES if s != "xls" or kit.soffice()],
            "load_average": os.getloadavg()[0],
            "run_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "steps": {name: statistics.median(v) for name, v in steps.items()}}


def table(result: dict) -> str:
    rows = [f"| {name} | {seconds:.2f} |" for name, seconds in result["steps"].items()]
    total = sum(result["steps"].values())
    machine = total - result["steps"].get("returns filled (by the townships)", 0)
    return "\n".join(["| step | s (median) |", "|---|---|", *rows,
                      f"| whole week | {total:.2f} |",
                      f"| what the officer waits for (all but the townships' filling) | {machine:.2f} |"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="the officer's week, timed")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", type=Path, default=HERE / "results.json")
    args = ap.parse_args(argv)
    result = run(args.rounds)
    doc = json.loads(args.out.read_text()) if args.out.exists() else {}
    doc["week"] = result
    args.out.write_text(json.dumps(doc, ensure_ascii=False, indent=1, default=str))
    print(table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
