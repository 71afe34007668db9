"""The county level of a province's database: ``python -m bench.counties`` (N = 10,000 with 10
counties; ``--n 100000 --cadence monthly`` for the province, 100 counties of 1,000 projects).

Generates ``portfolio-N-CADENCE-counties-K.db`` (``bench.generate --counties K``, K = N / 1,000)
and measures, each task in its own process as ``bench.run`` does: the portfolio load; the TUI's
county list (start → first painted county list, Enter → a county's portfolio painted, Escape →
the list again; ``tasks.tui_counties``); the city's consolidated weekly report (a draft, with its
line per county) as xlsx and as PDF.  Results go to ``bench/results-counties.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from bench.run import AS_OF, HERE, ROOT, load_average, machine, run_task


def generate(n: int, counties: int, data: Path, cadence: str) -> dict:
    import os
    import subprocess

    cmd = [sys.executable, "-m", "bench.generate", "--n", str(n), "--out", str(data),
           "--cadence", cadence, "--counties", str(counties)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, check=True)
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    info["wall_seconds"] = round(time.perf_counter() - t0, 1)
    return info


def bench_counties(n: int, cadence: str, data: Path, *, repeat: int, counties: int | None = None,
                   log=print) -> dict:
    """One N: ``counties`` (default N / 1,000, at least 2: a county level needs two)."""
    k = counties or max(2, round(n / 1000))
    info = generate(n, k, data, cadence)
    db = info["database"]
    log(f"N={n} {cadence}, {k} counties: generated ({info.get('database_seconds', 'cached')} s)")
    r: dict = {"n": n, "cadence": cadence, "counties": k, "generate": info,
               "load_average_before": load_average()}
    for name, reps in (("portfolio", repeat), ("tui_counties", 2), ("report_xlsx", 1),
                       ("report_pdf", 1)):
        r[name] = run_task(name, db=db, repeat=reps)
        log(f"  {name} {r[name].get('seconds')} s")
    r["load_average_after"] = load_average()
    return r


def _s(value) -> str:
    return "—" if value is None else f"{value:.2f}" if value >= 0.1 else f"{value:.3f}"


def table(results: list[dict]) -> str:
    lines = ["| N | counties | portfolio s | county list first paint s | open a county / back s "
             "| city report xlsx / pdf s | peak MB: TUI / report pdf |",
             "|---|---|---|---|---|---|---|"]
    for r in results:
        tui, xlsx, pdf = r["tui_counties"], r["report_xlsx"], r["report_pdf"]
        lines.append(
            f"| {r['n']:,} ({r['cadence']}) | {r['counties']} | {_s(r['portfolio'].get('seconds'))} "
            f"| {_s(tui.get('seconds'))} | {_s(tui.get('open_worst'))} / "
            f"{_s(tui.get('back_worst'))} | {_s(xlsx.get('seconds'))} / "
            f"{_s(pdf.get('seconds'))} | {tui.get('peak_mb')} / {pdf.get('peak_mb')} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, action="append", help="N (repeatable); default 10,000")
    ap.add_argument("--cadence", choices=("weekly", "monthly"), default="weekly")
    ap.add_argument("--data", type=Path, default=HERE / "data")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, default=HERE / "results-counties.json")
    args = ap.parse_args(argv)
    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    results = [bench_counties(n, args.cadence, args.data, repeat=args.repeat, log=log)
               for n in (args.n or [10_000])]
    args.out.write_text(json.dumps({"machine": machine(), "as_of": AS_OF, "results": results},
                                   ensure_ascii=False, indent=1, default=str))
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
