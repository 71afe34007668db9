"""Work done by a separate process in the trust tests (two officers at once, a process killed).

    python -m tests.trust.workers MODE URL [ARGS…]

Every mode waits for the file named by $PROJTRACK_GO (if set) before it starts, so that two
processes really overlap, and prints one line per committed operation ("ok N") so that the test
that kills it knows what had been committed.  Any error is printed and exits 1.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import sys
import time
import traceback
from decimal import Decimal
from pathlib import Path


def _wait_go() -> None:
    go = os.environ.get("PROJTRACK_GO")
    if not go:
        return
    deadline = time.monotonic() + 30
    while not Path(go).exists():
        if time.monotonic() > deadline:
            raise SystemExit("no go signal")
        time.sleep(0.005)


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def install_kill_switch() -> None:
    """$PROJTRACK_KILL_AT=N: SIGKILL this process just before its N-th SQL statement (counted
    over every engine), or, with "commit:N", just before its N-th COMMIT."""
    spec = os.environ.get("PROJTRACK_KILL_AT")
    if not spec:
        return
    from sqlalchemy import Engine, event

    kind, _, n = spec.rpartition(":")
    limit = int(n)
    seen: list[str] = []

    def tick(*args, **_kw):
        seen.append(" ".join(str(args[2]).split())[:100] if len(args) > 2 else "COMMIT")
        if len(seen) >= limit:
            os.kill(os.getpid(), signal.SIGKILL)

    if kind == "commit":
        event.listen(Engine, "commit", tick)
    else:
        event.listen(Engine, "before_cursor_execute", tick)

    if os.environ.get("PROJTRACK_COUNT_TO"):  # a dry run: list the statements it ran
        import atexit

        commits: list[int] = []
        event.listen(Engine, "commit", lambda *_a: commits.append(len(seen)))
        target = Path(os.environ["PROJTRACK_COUNT_TO"])
        atexit.register(lambda: (target.write_text("\n".join(seen) + "\n", encoding="utf-8"),
                                 Path(f"{target}.commits").write_text(str(len(commits)))))


def entries(url: str, project_ids: str, n: str, tag: str) -> None:
    """N spend entries of 1.01 万元 spread over the projects, each followed by a read of the
    portfolio figures (what a UI refresh does)."""
    from projtrack.services.entries import record_entry
    from projtrack.services.portfolio import load_portfolio
    from projtrack.store.repo import Store

    store = Store.open(url)
    ids = [int(x) for x in project_ids.split(",")]
    rng = random.Random(tag)
    _wait_go()
    for i in range(int(n)):
        pid = rng.choice(ids)
        record_entry(store, pid, amount=Decimal("1.01"), date=dt.date(2024, 3, 1),
                     note=f"{tag}-{i}", origin=f"worker:{tag}", force=True)
        _say(f"ok {i + 1}")
        if i % 5 == 0:
            load_portfolio(store, dt.date(2024, 6, 30))
    store.close()


def cumulative(url: str, project_id: str, n: str, tag: str) -> None:
    """N entries typed as new cumulative totals (read-modify-write inside the transaction)."""
    from projtrack.services.entries import record_entry
    from projtrack.store.repo import Store

    store = Store.open(url)
    rng = random.Random(tag)
    _wait_go()
    for i in range(int(n)):
        total = Decimal(rng.randint(1, 10**6)) / 100
        try:
            record_entry(store, int(project_id), amount=total, date=dt.date(2024, 3, 1),
                         cumulative="total", correction=True, note=f"{tag}-{i}")
        except Exception as exc:  # the same total twice in a row: nothing to add
            if getattr(exc, "key", "") != "err.cumulative_unchanged":
                raise
        _say(f"ok {i + 1}")
    store.close()


def undo(url: str, n: str) -> None:
    """N undos of the newest entry of any project."""
    from projtrack.services.undo import undo_last_entry
    from projtrack.store.repo import Store

    store = Store.open(url)
    _wait_go()
    for i in range(int(n)):
        undo_last_entry(store)
        _say(f"ok {i + 1}")
    store.close()


def imports(url: str, n: str, *files: str) -> None:
    """N imports, cycling through the files (a CLI import while officers work)."""
    from projtrack.services.annex import import_annex
    from projtrack.store.repo import Store

    store = Store.open(url)
    _wait_go()
    for i in range(int(n)):
        plan = import_annex(store, Path(files[i % len(files)]))
        if plan.errors:
            raise SystemExit(f"import errors: {plan.errors}")
        _say(f"ok {i + 1}")
    store.close()


def cli(*argv: str) -> None:
    """projtrack's own command line, with the kill switch installed."""
    from projtrack.cli import main

    _wait_go()
    rc = main(list(argv))
    sys.stdout.flush()
    raise SystemExit(rc)


def spend_amount(i: int) -> str:
    """The amount of the i-th entry of spend_loop (so a test can check every one of them)."""
    return f"{i + 1:,}.{(i * 7919) % 10000:04d}"


def spend_loop(url: str, project_id: str, n: str, start: str = "0") -> None:
    """Spend entries start … start+N-1 through the CLI code path (one Store per command, as a
    shell loop would), amount spend_amount(i), note "n<i>"."""
    from projtrack.cli import main

    _wait_go()
    for i in range(int(start), int(start) + int(n)):
        rc = main(["--db", url, "--lang", "en", "spend", "add", project_id, spend_amount(i),
                   "--date", "2024-03-01", "--note", f"n{i}"])
        if rc != 0:
            raise SystemExit(rc)
        _say(f"ok {i}")


def split(*argv: str) -> None:
    """A deliberately broken operation for the crash tests' own check: an entry and its audit
    row written in two transactions (the harness must catch a kill between them)."""
    from projtrack.store.models import AuditLog, LedgerEntry
    from projtrack.store.repo import Store

    url = argv[argv.index("--db") + 1]
    store = Store.open(url)
    _wait_go()
    with store.write() as s:
        s.add(LedgerEntry(project_id=1, kind="完成投资", entry_date=dt.date(2024, 3, 1),
                          amount=Decimal("5")))
    with store.write() as s:
        s.add(AuditLog(action="entry", entity="ledger_entry", field="完成投资"))
    store.close()


MODES = {"entries": entries, "cumulative": cumulative, "undo": undo, "imports": imports,
         "cli": cli, "spend_loop": spend_loop, "split": split}

if __name__ == "__main__":
    install_kill_switch()
    try:
        MODES[sys.argv[1]](*sys.argv[2:])
    except SystemExit:
        raise
    except BaseException:
        traceback.print_exc()
        sys.exit(1)
