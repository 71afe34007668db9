"""A small PostgreSQL cluster of the tests' own that demands passwords (scram-sha-256) of every
login but its superuser, and logs every statement it is sent: where a password test can see
what a client sends.  The server of PROJTRACK_TEST_PG is left as it is (trust auth).

Its binaries are the ones PROJTRACK_TEST_PG's server runs on this machine (or the newest
/usr/lib/postgresql/*/bin); as root, it runs as the ``postgres`` user, as .ci/run does."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

HBA = """\
local all all trust
host all postgres 127.0.0.1/32 trust
host all all 127.0.0.1/32 scram-sha-256
"""


@dataclass
class Cluster:
    folder: Path
    port: int
    bin: Path
    runas: list[str]

    @property
    def admin(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def log(self) -> str:
        return (self.folder / "log").read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        subprocess.run([*self.runas, str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"),
                        "-m", "immediate", "stop"], capture_output=True, check=False)
        shutil.rmtree(self.folder, ignore_errors=True)


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl, or None."""
    found = shutil.which("pg_config")
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True, check=False)
        folder = Path(out.stdout.strip())
        if (folder / "initdb").exists():
            return folder
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                     key=lambda p: [int(x) for x in Path(p).parent.name.split(".") if x.isdigit()])
    for folder in reversed(folders):
        if (Path(folder) / "initdb").exists():
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start() -> Cluster:
    """A new cluster, started (RuntimeError saying why when it cannot be)."""
    folder_bin = binaries()
    if folder_bin is None:
        raise RuntimeError("no PostgreSQL binaries (initdb, pg_ctl) on this machine")
    folder = Path(tempfile.mkdtemp(prefix="projtrack-scram-"))
    runas: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root
        try:
            user = pwd.getpwnam("postgres")
        except KeyError as exc:
            raise RuntimeError("running as root and there is no postgres user to run "
                               "the server as") from exc
        os.chown(folder, user.pw_uid, user.pw_gid)
        runas = ["runuser", "-u", "postgres", "--"]
    data = folder / "data"
    port = _free_port()
    cluster = Cluster(folder, port, folder_bin, runas)
    try:
        _run([*runas, str(folder_bin / "initdb"), "-D", str(data), "-U", "postgres", "-A",
              "trust", "-E", "UTF8", "--locale=C.UTF-8"])
        hba = data / "pg_hba.conf"
        _run([*runas, "sh", "-c", f"printf '%s' '{HBA}' > {hba}"])
        _run([*runas, str(folder_bin / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"),
              "-w", "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
              "-c password_encryption=scram-sha-256 -c log_statement=all "
              "-c log_min_error_statement=panic", "start"])
    except RuntimeError:
        cluster.stop()
        raise
    return cluster


def _run(argv: list[str]) -> None:
    done = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:6])} …: {done.stderr.strip() or done.stdout.strip()}")
