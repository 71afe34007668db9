"""Run projtrack's command line and record this process's own peak memory.

    python -m tests.trust.measure ARGS…      ($PROJTRACK_RSS_TO names the file to write)

Peak RSS is read from /proc/self/status (VmHWM) at exit.  The rusage of a child (wait4 or
RUSAGE_CHILDREN) is not used for the limit: Linux carries the parent's resident size at fork
into the child's ru_maxrss, so a test process that had just built a 300 MB file would make every
child look that big.
"""

from __future__ import annotations

import atexit
import os
import sys
from pathlib import Path


def peak_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


if __name__ == "__main__":
    target = os.environ.get("PROJTRACK_RSS_TO")
    if target:
        atexit.register(lambda: Path(target).write_text(str(peak_kib())))
    from projtrack.cli import main

    sys.exit(main(sys.argv[1:]))
