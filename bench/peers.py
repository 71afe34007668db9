"""projtrack against what a user could pick instead, each row a ratio measured in one run.

    .venv/bin/python -m bench.peers setup        # bench/.peers with the versions of bench/peers.lock
    .venv/bin/python -m bench.run --peers        # the rows below (bench.run sets the peers up too)

Every measurement is a whole process: the subject is the installed ``.venv/bin/projtrack``, the
peers run from their own virtual environment ``bench/.peers`` (git-ignored), made by ``setup``
with the pinned versions of ``bench/peers.lock`` — the product never installs them.  Subject and
peer run alternately, R rounds of (subject, peer) or (peer, subject), and a row reports the
median of the R paired ratios with the median seconds of each side.  Peak memory is each child
process's own peak RSS (``os.wait4``; for a program in tmux, ``/usr/bin/time`` around it), never
the harness's.

The TUI rows are painted in a real terminal: tmux (a server of the bench's own, ``-L``, no
config) starts the program in a new detached 120×40 session with TERM set; ``capture-pane -p``
is read every ~10 ms until the screen shows data — for projtrack the table header (项目名称) and
the name of one of the portfolio's projects, for VisiData a project's name in its sheet of the
``project`` table — and the time from the spawn to that screen is the row's.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEERS = HERE / ".peers"
LOCK = HERE / "peers.lock"
PEER_TASKS = HERE / "peer_tasks.py"
AS_OF = "2025-06-30"
SIZE = (120, 40)
TERM = "xterm-256color"
TIME = "/usr/bin/time"

# (row, what it is, goal as text, the check of (ratio, subject seconds, n))
GOALS: dict[str, tuple[str, Callable[[float | None, float | None, int], bool | None]]] = {
    "import": ("≤ 3× calamine", lambda r, s, n: None if r is None else r <= 3),
    "import_formulas": ("≤ 3× calamine", lambda r, s, n: None if r is None else r <= 3),
    "tui_paint": ("≤ 1.5× VisiData", lambda r, s, n: None if r is None else r <= 1.5),
    "tui_filter": ("< 0.1 s (< 0.3 s at 100,000)",
                   lambda r, s, n: None if s is None else s < (0.3 if n >= 100_000 else 0.1)),
    "tui_sort": ("< 0.1 s (< 0.3 s at 100,000)",
                 lambda r, s, n: None if s is None else s < (0.3 if n >= 100_000 else 0.1)),
    "report_xlsx": ("≤ 1.3× XlsxWriter and < 3 s",
                    lambda r, s, n: None if r is None or s is None else r <= 1.3 and s < 3),
    "report_pdf": ("< 5 s", lambda r, s, n: None if s is None else s < 5),
    "help": ("≤ 4× bare interpreter", lambda r, s, n: None if r is None else r <= 4),
    "export": ("< 0.5 s", lambda r, s, n: None if s is None else s < 0.5),
}
LABELS = {
    "import": ("`projtrack import` into a new database", "python-calamine reads every value"),
    "import_formulas": ("the same, annex with uncached formulas", "calamine on that file"),
    "tui_paint": ("TUI first screen with data (tmux)", "VisiData on the project table (tmux)"),
    "tui_filter": ("TUI filter keystroke → repaint (headless)", "—"),
    "tui_sort": ("TUI sort → repaint (headless)", "—"),
    "report_xlsx": ("`report weekly --format xlsx --draft`", "XlsxWriter, same shape, constant_memory"),
    "report_pdf": ("`report weekly --format pdf --draft`", "—"),
    "help": ("`projtrack --help`", "`python -c pass`"),
    "export": ("`projtrack export` (demo database of the sample annex)", "—"),
}
MEMORY_GOAL_MB, GROWTH_GOAL = 500.0, 11.0


class Unavailable(Exception):
    """A peer (or tmux) cannot be had on this machine: its rows are skipped, and say why."""


# --- the peers' environment ----------------------------------------------------------------------
def peer_python() -> Path:
    return PEERS / "bin" / "python"


def locked() -> list[str]:
    return [ln.split("#")[0].strip() for ln in LOCK.read_text().splitlines()
            if ln.split("#")[0].strip()]


def _installed() -> set[str]:
    proc = subprocess.run([str(peer_python()), "-m", "pip", "freeze", "--all"],
                          capture_output=True, text=True, timeout=120)
    return {ln.strip().lower().replace("_", "-") for ln in proc.stdout.splitlines()}


def setup(log: Callable[[str], None] = print) -> dict:
    """Make bench/.peers and install bench/peers.lock into it (once; again if it differs).
    Returns {"python", "packages"} or raises Unavailable saying why (e.g. no package index
    reachable)."""
    want = locked()
    if peer_python().exists():
        have = _installed()
        if all(w.lower().replace("_", "-") in have for w in want):
            return {"python": str(peer_python()), "packages": want}
    log(f"setting up the peers in {PEERS} ({', '.join(want)}) …")
    if not peer_python().exists():
        venv.create(PEERS, with_pip=True, clear=True)
    proc = subprocess.run([str(peer_python()), "-m", "pip", "install", "--no-input",
                           "-r", str(LOCK)], capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise Unavailable("pip could not install bench/peers.lock into bench/.peers: "
                          + (proc.stderr or proc.stdout).strip().splitlines()[-1][-300:])
    return {"python": str(peer_python()), "packages": want}


def subject_bin() -> Path:
    return ROOT / ".venv" / "bin" / "projtrack"


# --- whole processes ---------------------------------------------------------------------------
def process(cmd: list[str], *, cwd: Path = ROOT, env: dict | None = None,
            timeout: float = 3600) -> dict:
    """Run ``cmd`` to its end: wall seconds from spawn to exit, the child's own peak RSS and
    CPU seconds, its exit code and the tail of its stderr.

    The peak comes from ``/usr/bin/time`` around the command where it is there: Linux carries
    the peak RSS of a process's image before ``exec`` into the one after it, so a child
    spawned straight from this harness (which holds openpyxl and a report's shape) would
    report at least the harness's own peak; ``time`` is a small process, and its child starts
    from that.  Without it, ``os.wait4``'s figure (with that floor) is taken, and said."""
    timed = os.access(TIME, os.X_OK)
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile() as usage_file:
        full = [TIME, "-f", "%M %U %S", "-o", usage_file.name, *cmd] if timed else cmd
        t0 = time.perf_counter()
        proc = subprocess.Popen(full, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=err)
        deadline = t0 + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.001)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read().decode("utf-8", "replace")[-600:]
        peak, cpu = _read_rss(Path(usage_file.name)) if timed else (None, None)
    if peak is None:
        peak, cpu = round(usage.ru_maxrss / 1024, 1), round(usage.ru_utime + usage.ru_stime, 4)
    out = {"seconds": seconds, "cpu_seconds": cpu, "peak_mb": peak, "rc": proc.returncode,
           "peak_from": "/usr/bin/time" if timed else "os.wait4 (at least the harness's own peak)"}
    if proc.returncode != 0:
        out["error"] = f"exit {proc.returncode}: {tail.strip()}"
    return out


class Terminal:
    """A tmux server of the bench's own (its socket named after this process, no config)."""

    def __init__(self) -> None:
        tmux = shutil.which("tmux")
        if not tmux:
            raise Unavailable("tmux is not on this machine (apt-get install tmux): "
                              "the real-terminal rows are skipped")
        if not os.access(TIME, os.X_OK):
            raise Unavailable(f"{TIME} is missing (apt-get install time): it measures the "
                              "peak memory of a program in tmux; the real-terminal rows are skipped")
        self.tmux: str = tmux
        self.socket = f"projtrack-bench-{os.getpid()}"
        self.sessions = 0
        # a server that stays up between the runs, so no run pays for starting it
        self._tmux("new-session", "-d", "-s", "keep", "-x", "20", "-y", "5", "sleep 86400")

    def _tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([self.tmux, "-L", self.socket, "-f", "/dev/null", *args],
                              capture_output=True, text=True, check=check, timeout=60)

    def close(self) -> None:
        self._tmux("kill-server", check=False)

    def paint(self, cmd: list[str], ready: Callable[[str], bool], *, cwd: Path = ROOT,
              timeout: float = 120.0, env: dict[str, str] | None = None) -> dict:
        """Start ``cmd`` in a new 120×40 session (``env``: more variables for it); seconds
        from the spawn to the first captured screen for which ``ready(screen)`` holds; then
        end the program and read its peak RSS."""
        self.sessions += 1
        name = f"run{self.sessions}"
        rss_file = Path(tempfile.mkstemp(prefix="projtrack-bench-rss-")[1])
        shell = " ".join(_quote(a) for a in [TIME, "-f", "%M %U %S", "-o", str(rss_file), *cmd])
        extra = [arg for key, value in (env or {}).items() for arg in ("-e", f"{key}={value}")]
        t0 = time.perf_counter()
        self._tmux("new-session", "-d", "-s", name, "-x", str(SIZE[0]), "-y", str(SIZE[1]),
                   "-c", str(cwd), "-e", f"TERM={TERM}", "-e", "LANG=C.UTF-8",
                   "-e", "LC_ALL=C.UTF-8", *extra, f"exec {shell}")
        seconds, screen = None, ""
        deadline = t0 + timeout
        while time.perf_counter() < deadline:
            got = self._tmux("capture-pane", "-p", "-t", name, check=False)
            if got.returncode != 0:  # the session ended: the program exited
                break
            screen = got.stdout
            if ready(screen):
                seconds = time.perf_counter() - t0
                break
            time.sleep(0.01)
        self._end(name)
        peak, cpu = _read_rss(rss_file)
        rss_file.unlink(missing_ok=True)
        # cpu_seconds: up to the end of the program, a little after the screen was ready
        out: dict = {"seconds": seconds, "cpu_seconds": cpu, "peak_mb": peak}
        if seconds is None:
            out["error"] = (f"no data on the screen within {timeout:.0f} s; last screen:\n"
                            f"{screen.strip()[-800:]}")
        return out

    def _end(self, name: str) -> None:
        """Stop the program under /usr/bin/time (so that time writes its peak RSS), then the
        session."""
        got = self._tmux("display-message", "-p", "-t", name, "#{pane_pid}", check=False)
        pane = got.stdout.strip()
        children = Path(f"/proc/{pane}/task/{pane}/children") if pane.isdigit() else None
        if children and children.exists():
            for child in children.read_text().split():
                try:
                    os.kill(int(child), signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.perf_counter() + 10
        while time.perf_counter() < deadline:
            if self._tmux("has-session", "-t", name, check=False).returncode != 0:
                return
            time.sleep(0.01)
        self._tmux("kill-session", "-t", name, check=False)


def _quote(arg: str) -> str:
    return arg if re.fullmatch(r"[\w@%+=:,./-]+", arg) else "'" + arg.replace("'", "'\\''") + "'"


def _read_rss(path: Path) -> tuple[float | None, float | None]:
    """/usr/bin/time's "%M %U %S" line: peak RSS (MB) and CPU seconds."""
    for _ in range(200):
        lines = [ln.split() for ln in path.read_text(errors="replace").splitlines()]
        lines = [ln for ln in lines if len(ln) == 3 and ln[0].isdigit()]
        if lines:
            kb, user, sys_ = lines[-1]
            return round(int(kb) / 1024, 1), round(float(user) + float(sys_), 3)
        time.sleep(0.01)
    return None, None


# --- what is on the screen ---------------------------------------------------------------------
_NAME = re.compile(r"([\u4e00-\u9fff]{2,}第)(\d+)")


def names_of(db: str) -> dict[str, str]:
    """The portfolio's project names by the number in them (…第123…), from the database."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM project")]
    out = {}
    for name in names:
        m = _NAME.search(name)
        if m:
            out[m.group(2)] = name
    return out


def shows_a_project(screen: str, names: dict[str, str]) -> bool:
    """Whether the screen shows the start of one of the portfolio's project names (a column
    cuts long names, so the start up to its number is what is looked for)."""
    for m in _NAME.finditer(screen):
        name = names.get(m.group(2))
        if name and m.group(0) in name:
            return True
    return False


def shows_the_loaded_table(screen: str) -> bool:
    """Whether the portfolio table is the loaded one: its status line counts the page's rows
    of all ("第 1-200 行,共 10,005 行"), which the first screen, painted before the load, does
    not ("先显示前 40 行")."""
    return "项目名称" in screen and re.search(r"第 1-[\d,]+ 行,共", screen) is not None


# --- alternating runs --------------------------------------------------------------------------
def _side(results: list[dict]) -> dict:
    good = [r for r in results if r.get("seconds") is not None and not r.get("error")]
    ok = [r["seconds"] for r in good]
    cpu = [r["cpu_seconds"] for r in good if r.get("cpu_seconds") is not None]
    peaks = [r["peak_mb"] for r in results if r.get("peak_mb")]
    side: dict = {"seconds": statistics.median(ok) if ok else None,
                  "cpu_seconds": statistics.median(cpu) if cpu else None,
                  "runs": [round(s, 4) for s in ok], "peak_mb": max(peaks) if peaks else None}
    errors = [r["error"] for r in results if r.get("error")]
    if errors:
        side["error"] = errors[-1]
    return side


def alternate(subject: Callable[[], dict], peer: Callable[[], dict] | None, rounds: int) -> dict:
    """R rounds, (subject, peer) then (peer, subject) and so on; the median of the paired
    ratios (subject / peer of the same round) and the median seconds of each side."""
    got: dict[str, list[dict]] = {"subject": [], "peer": []}
    ratios, cpu_ratios = [], []
    for i in range(rounds):
        if peer is None:
            got["subject"].append(subject())
            continue
        if i % 2 == 0:
            s, p = subject(), peer()
        else:
            p, s = peer(), subject()
        got["subject"].append(s)
        got["peer"].append(p)
        if s.get("seconds") and p.get("seconds") and not s.get("error") and not p.get("error"):
            ratios.append(s["seconds"] / p["seconds"])
            if s.get("cpu_seconds") and p.get("cpu_seconds"):
                cpu_ratios.append(s["cpu_seconds"] / p["cpu_seconds"])
    row: dict = {"subject": _side(got["subject"])}
    if peer is not None:
        row["peer"] = _side(got["peer"])
        row["ratios"] = [round(r, 3) for r in ratios]
        row["ratio"] = round(statistics.median(ratios), 3) if ratios else None
        # the same of the processes' own CPU time: what a loaded machine's waits leave out
        row["cpu_ratio"] = round(statistics.median(cpu_ratios), 3) if cpu_ratios else None
    return row


def judge(key: str, row: dict, n: int) -> dict:
    goal, check = GOALS[key]
    row["goal"] = goal
    row["met"] = check(row.get("ratio"), (row.get("subject") or {}).get("seconds"), n)
    return row


# --- the weekly report's shape, for XlsxWriter --------------------------------------------------
def report_shape(xlsx: Path, out: Path) -> dict:
    """The shape of a weekly report the subject wrote: per sheet the heading rows (those before
    the first row with a number) as they are, then the number of data rows and each column's
    kind, number format and a sample value (the commonest kind and format among its cells)."""
    import openpyxl

    wb = openpyxl.load_workbook(xlsx)
    sheets = []
    for ws in wb.worksheets:
        rows = list(ws.iter_rows())
        head_n = next((i for i, row in enumerate(rows)
                       if any(isinstance(c.value, int | float) and not isinstance(c.value, bool)
                              for c in row)), len(rows))
        head = [[None if c.value is None else str(c.value) for c in row] for row in rows[:head_n]]
        body = rows[head_n:]
        width = max((len(r) for r in rows), default=0)
        columns: list[list] = []
        for c in range(width):
            seen: dict[tuple[str, str], list] = {}
            for row in body:
                cell = row[c] if c < len(row) else None
                if cell is None or cell.value is None:
                    continue
                v = cell.value
                kind = ("date" if hasattr(v, "isoformat") else
                        "number" if isinstance(v, int | float) and not isinstance(v, bool) else "text")
                seen.setdefault((kind, cell.number_format), []).append(v)
            if not seen:
                columns.append(["blank", None, None])
                continue
            (kind, fmt), values = max(seen.items(), key=lambda kv: len(kv[1]))
            first = values[0]
            sample = first.isoformat() if kind == "date" else (
                float(first) if kind == "number" else str(first))
            columns.append([kind, fmt, sample])
        sheets.append({"name": ws.title, "head": head, "rows": len(body), "columns": columns})
    shape = {"source": xlsx.name, "sheets": sheets}
    out.write_text(json.dumps(shape, ensure_ascii=False, default=str), encoding="utf-8")
    return {"sheets": [(s["name"], len(s["head"]) + s["rows"], len(s["columns"])) for s in sheets]}


# --- the rows ------------------------------------------------------------------------------------
def bench_peers(n: int, info: dict, *, rounds: int, terminal: Terminal | None,
                tui_result: dict | None, peers_ok: bool, skipped: list[str],
                log: Callable[[str], None] = print, only: frozenset[str] | None = None) -> dict:
    """Every row at N, from the generated data in ``info`` (bench.generate's, with the
    formulas annex).  ``tui_result``: the headless TUI task's result at this N (its filter and
    sort figures); ``peers_ok``: bench/.peers is there; ``terminal``: tmux, or None."""
    pt = str(subject_bin())
    py = str(peer_python())
    annex, fannex, db = info["annex"], info["formulas_annex"], info["database"]
    work = Path(tempfile.mkdtemp(prefix="projtrack-bench-peers-"))
    env = {**os.environ, "PROJTRACK_LANG": "zh"}
    env.pop("PROJTRACK_DB", None)
    rows: dict[str, dict] = {}
    k = 0

    def fresh_db() -> str:
        nonlocal k
        k += 1
        return str(work / f"import-{k}.db")

    def want(key: str) -> bool:
        return only is None or key in only

    def no_peer(key: str, why: str) -> None:
        rows[key] = {"skipped": why}
        skipped.append(f"{key} (N = {n:,}): {why}")

    peer_missing = "bench/.peers could not be set up (see above)"
    for key, file in (("import", annex), ("import_formulas", fannex)):
        if not want(key):
            continue
        if not peers_ok:
            no_peer(key, peer_missing)
            continue
        def ours(f: str = file) -> dict:
            return process([pt, "--db", fresh_db(), "import", f], env=env)

        def theirs(f: str = file) -> dict:
            return process([py, str(PEER_TASKS), "calamine", f])

        rows[key] = alternate(ours, theirs, rounds)
        log(f"  {key}: {_brief(rows[key])}")

    if want("tui_paint"):
        if terminal is None:
            no_peer("tui_paint", "tmux is missing")
        elif not peers_ok:
            no_peer("tui_paint", peer_missing)
        else:
            names = names_of(db)

            def ours(ready: Callable[[str], bool]) -> dict:
                # a state folder of its own each time: the view a user (or the headless tui
                # task, which sorts) left remembered would change what is painted first
                with tempfile.TemporaryDirectory(prefix="projtrack-bench-state-") as state:
                    return terminal.paint([pt, "--db", db, "--as-of", AS_OF], ready,
                                          env={"XDG_STATE_HOME": state})

            rows["tui_paint"] = alternate(
                lambda: ours(lambda s: "项目名称" in s and shows_a_project(s, names)),
                lambda: terminal.paint([str(PEERS / "bin" / "vd"), db, "+:project:1:1"],
                                       lambda s: shows_a_project(s, names)),
                rounds)
            # and until the loaded table has taken the first screen over (no peer: VisiData
            # shows what it has read, projtrack then every project's figures and the totals)
            rows["tui_paint"]["loaded"] = alternate(
                lambda: ours(shows_the_loaded_table), None, rounds)["subject"]
            log(f"  tui_paint: {_brief(rows['tui_paint'])}; the loaded table: "
                f"{rows['tui_paint']['loaded'].get('seconds')} s")

    if tui_result is not None:
        for key, field in (("tui_filter", "filter_paint_worst"), ("tui_sort", "sort_paint_worst")):
            if want(key):
                bad = tui_result.get("error") or tui_result.get("missing")
                rows[key] = {"subject": {"seconds": None if bad else tui_result.get(field),
                                         "peak_mb": tui_result.get("peak_mb"),
                                         **({"error": bad} if bad else {})},
                             "from": "the headless tui task of this run (worst of its keystrokes)"}

    report_dir = work / "report"
    weekly = [pt, "--db", db, "report", "weekly", "--as-of", AS_OF, "--out", str(report_dir),
              "--draft", "--format"]
    if want("report_xlsx"):
        first = process([*weekly, "xlsx"], env=env)  # untimed: the shape XlsxWriter is to write
        files = sorted(report_dir.glob("*.xlsx"))
        if first.get("error") or not files:
            rows["report_xlsx"] = {"subject": {"seconds": None, "error": first.get("error")
                                               or "no xlsx written"}}
        elif not peers_ok:
            no_peer("report_xlsx", peer_missing)
        else:
            shape_file = work / "shape.json"
            shape = report_shape(files[0], shape_file)
            rows["report_xlsx"] = alternate(
                lambda: process([*weekly, "xlsx"], env=env),
                lambda: process([py, str(PEER_TASKS), "xlsxwriter", str(shape_file),
                                 str(work / "peer.xlsx")]), rounds)
            rows["report_xlsx"]["shape"] = shape
        log(f"  report_xlsx: {_brief(rows['report_xlsx'])}")
    if want("report_pdf"):
        rows["report_pdf"] = alternate(lambda: process([*weekly, "pdf"], env=env), None,
                                       max(1, min(rounds, 3)))
        log(f"  report_pdf: {_brief(rows['report_pdf'])}")
    if want("help"):
        bare = str(ROOT / ".venv" / "bin" / "python")
        rows["help"] = alternate(lambda: process([pt, "--help"], env=env),
                                 lambda: process([bare, "-c", "pass"]), max(rounds, 5))
        log(f"  help: {_brief(rows['help'])}")
    if want("export"):
        demo = work / "demo.db"
        made = process([pt, "--as-of", AS_OF, "demo", "--db", str(demo)], env=env)
        if made.get("error"):
            rows["export"] = {"subject": {"seconds": None, "error": made["error"]}}
        else:
            rows["export"] = alternate(
                lambda: process([pt, "--db", str(demo), "--as-of", AS_OF, "export"], env=env),
                None, max(rounds, 5))
        log(f"  export: {_brief(rows['export'])}")
    for key, row in rows.items():
        if "skipped" not in row:
            judge(key, row, n)
    shutil.rmtree(work, ignore_errors=True)
    return {"n": n, "rounds": rounds, "rows": rows}


def _brief(row: dict) -> str:
    s, p = row.get("subject") or {}, row.get("peer") or {}
    if s.get("error"):
        return "error: " + s["error"][:300]
    if p.get("error"):
        return "peer error: " + p["error"][:300]
    return (f"{_f(s.get('seconds'))} s vs {_f(p.get('seconds'))} s, ratio {row.get('ratio')}"
            if p else f"{_f(s.get('seconds'))} s")


def _both(side: dict) -> str:
    cpu = side.get("cpu_seconds")
    return _f(side.get("seconds")) + (f" ({cpu:.3f})" if cpu is not None else "")


def _f(v: float | None, digits: int = 3) -> str:
    return "—" if v is None else f"{v:.{digits}f}"


# --- the tables ----------------------------------------------------------------------------------
def table(peer_results: list[dict]) -> str:
    lines = ["| N | task | projtrack s (cpu) | peer | peer s (cpu) | ratio (median of paired) "
             "(cpu) | goal | met |", "|---|---|---|---|---|---|---|---|"]
    for res in peer_results:
        for key, (subject_label, peer_label) in LABELS.items():
            row = res["rows"].get(key)
            if row is None:
                continue
            if "skipped" in row:
                lines.append(f"| {res['n']:,} | {subject_label} | skipped | {peer_label} | — | — | "
                             f"{GOALS[key][0]} | skipped: {row['skipped']} |")
                continue
            s, p = row.get("subject") or {}, row.get("peer") or {}
            met = {True: "yes", False: "**no**", None: "—"}[row.get("met")]
            if s.get("error") or p.get("error"):
                met = "error"
            ratio = _f(row.get("ratio"), 2) if row.get("ratio") else "—"
            if row.get("cpu_ratio"):
                ratio += f" ({row['cpu_ratio']:.2f})"
            lines.append(f"| {res['n']:,} | {subject_label} | {_both(s)} | "
                         f"{peer_label} | {_both(p) if p else '—'} | {ratio} | "
                         f"{row.get('goal', GOALS[key][0])} | {met} |")
    return "\n".join(lines)


def memory(peer_results: list[dict]) -> list[dict]:
    """Peak RSS of every process of every row, per N, and the growth 10,000 → 100,000."""
    by_n = {res["n"]: res for res in peer_results}
    out = []
    keys = [k for k in LABELS if any(k in res["rows"] for res in peer_results)]
    for key in keys:
        for side in ("subject", "peer"):
            peaks = {n: ((res["rows"].get(key) or {}).get(side) or {}).get("peak_mb")
                     for n, res in by_n.items()}
            if not any(peaks.values()):
                continue
            small, big = peaks.get(10_000), peaks.get(100_000)
            growth = round(big / small, 2) if small and big else None
            out.append({"task": key, "side": side, "peak_mb": peaks, "growth": growth,
                        "growth_met": None if growth is None else growth <= GROWTH_GOAL,
                        "under_500_at_100000": None if big is None else big < MEMORY_GOAL_MB})
    return out


def memory_table(peer_results: list[dict]) -> str:
    ns = sorted({res["n"] for res in peer_results})
    rows = memory(peer_results)
    head = ("| task | process | " + " | ".join(f"peak MB at {n:,}" for n in ns)
            + " | growth 10,000 → 100,000 (goal ≤ 11×) | < 500 MB at 100,000 |")
    lines = [head, "|" + "---|" * (len(ns) + 4)]
    yes = {True: "yes", False: "**no**", None: "—"}
    for r in rows:
        label = LABELS[r["task"]][0 if r["side"] == "subject" else 1]
        cells = " | ".join(_f(r["peak_mb"].get(n), 0) if r["peak_mb"].get(n) else "—" for n in ns)
        growth = f"{r['growth']}× ({yes[r['growth_met']]})" if r["growth"] else "— (needs 10,000 and 100,000)"
        lines.append(f"| {label} | {r['side']} | {cells} | {growth} | {yes[r['under_500_at_100000']]} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] != ["setup"]:
        print("usage: python -m bench.peers setup   (the measurements: python -m bench.run --peers)",
              file=sys.stderr)
        return 2
    try:
        info = setup()
    except Unavailable as exc:
        print(f"peers not set up: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
