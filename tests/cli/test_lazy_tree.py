"""The command tree is built as it is walked (cli.app.command): ``projtrack --help`` builds
no command, ``projtrack import FILE`` only the import's; and every help page reads exactly as
it does once the whole tree is built.  Each language in a process of its own (the help
strings are looked up when the command modules are first imported)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

SCRIPT = r"""
import contextlib, io, json, sys
from projtrack.cli import build
from projtrack.cli.app import _commands

lang = sys.argv[1]
args = ["--lang", lang]

def page(root, path):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        try:
            root.main(args=[*args, *path, "--help"], prog_name="projtrack", standalone_mode=False)
        except SystemExit:
            pass
    return buf.getvalue()

def built(group):
    return sorted(group.commands._built)

lazy = build(args)
out = {"root_page": page(lazy, []), "built_after_root_help": built(lazy)}
page(lazy, ["import", "annex"])
out["built_after_import_help"] = built(lazy)
out["import_built"] = built(lazy.commands["import"])
groups = [[name] for name, cmd in lazy.commands.items() if hasattr(cmd, "commands")]
fresh = build(args)  # another tree, never walked: its pages are made lazily
lazy_pages = {" ".join(p): page(fresh, p) for p in [[], *groups]}
list(_commands(lazy))  # the first tree, now built whole
eager_pages = {" ".join(p): page(lazy, p) for p in [[], *groups]}
out["same"] = {k: lazy_pages[k] == eager_pages[k] for k in lazy_pages}
out["pages"] = len(lazy_pages)
print(json.dumps(out, ensure_ascii=False))
"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_help_builds_nothing_it_does_not_show_and_reads_as_the_whole_tree(lang):
    done = subprocess.run([sys.executable, "-c", SCRIPT, lang], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert ("命令" if lang == "zh" else "Commands") in out["root_page"]
    assert out["built_after_root_help"] == []  # the list came from names and help texts
    assert out["built_after_import_help"] == ["import"]
    assert out["import_built"] == ["annex"]  # the import group's other commands not built
    assert out["pages"] > 10
    assert all(out["same"].values()), [k for k, v in out["same"].items() if not v]


def test_every_command_the_role_check_names_is_a_command():
    """cli.app.NEEDS (what each command needs of the login's role) names commands that exist:
    a renamed command would otherwise fall back to "read" unseen."""
    from projtrack.cli import build
    from projtrack.cli.app import NEEDS, _named

    paths = {path for path, _ in _named(build([]))}
    assert set(NEEDS) <= paths, sorted(set(NEEDS) - paths)
