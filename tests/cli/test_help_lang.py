"""Every command's and option's help is in the officer's language: Chinese by default (and with
``--lang zh``), English with ``--lang en`` or ``PROJTRACK_LANG=en`` — Click's frame words too —
and no catalog key or code shows in either.  The walk covers whatever commands the app has
(a command added later is checked the same way).  Each language runs in a process of its own:
the help strings are looked up when the command modules are imported, after ``main`` has read
the language."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from projtrack.i18n import catalog

WALK = r"""
import contextlib, io, json, sys
from projtrack.cli import main
args = sys.argv[1:]
out = {"texts": [], "pages": {}}

def page(path):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main([*args, *path, "--help"])
    assert code == 0, (path, code)
    return buf.getvalue()

out["pages"][""] = page([])
from projtrack.cli import build

def walk(cmd, path):
    name = " ".join(path) or "projtrack"
    for label, text in (("help", cmd.help), ("short_help", cmd.short_help)):
        if text:
            out["texts"].append([name, label, text])
    for p in cmd.params:
        if getattr(p, "help", None):
            out["texts"].append([name, p.name, p.help])
    if path:
        out["pages"][" ".join(path)] = page(path)
    for sub, child in getattr(cmd, "commands", {}).items():
        walk(child, [*path, sub])

walk(build(args), [])
print(json.dumps(out, ensure_ascii=False))
"""

CJK = re.compile(r"[\u3400-\u9fff]")
FULL_WIDTH_PUNCT = re.compile("[\u3001\u3002\uff08\uff09\uff0c\uff1a\uff1b\uff01\uff1f]")
ENGLISH_SENTENCE = re.compile(r"[A-Za-z]{2,}(?:[ ,'-]+[A-Za-z]{2,}){3,}")
KEY_LIKE = re.compile(r"(?<![\w/.\-])([a-z][a-z0-9]*)((?:\.[a-z0-9_]+)+)")
PREFIXES = {k.split(".", 1)[0] for k in catalog("en")}
FRAME_EN = ("Usage:", "Options:", "Commands:", "Arguments:", "Show this message",
            "[required]", "[default:", "[env var:", "[OPTIONS]", "COMMAND [ARGS]")


def walk(*args: str, env_lang: str | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PROJTRACK_LANG", "PROJTRACK_DB")}
    if env_lang:
        env["PROJTRACK_LANG"] = env_lang
    r = subprocess.run([sys.executable, "-c", WALK, *args], capture_output=True, text=True,
                       env=env, timeout=120)
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout)


def key_like(text: str) -> list[str]:
    keys = set(catalog("en"))
    found = []
    for m in KEY_LIKE.finditer(text):
        token = m[0].rstrip(".")
        if token in keys or (m[1] in PREFIXES and "." in token) or "_" in m[2]:
            found.append(token)
    return found


def english_sentences(text: str) -> list[str]:
    """Runs of four or more English words outside anything Chinese: a sentence left in
    English (a URL, a file name or a command written out is not words)."""
    out = []
    for part in re.split(r"[。;:,()\n]", text):
        if not CJK.search(part):
            out.extend(ENGLISH_SENTENCE.findall(part.replace("`", " ")))
    return out


@pytest.fixture(scope="module")
def zh():
    return walk()


@pytest.fixture(scope="module")
def en():
    return walk("--lang", "en")


def test_every_help_is_chinese_by_default(zh):
    assert len(zh["pages"]) > 30 and len(zh["texts"]) > 100  # the whole tree was walked
    bad = [(cmd, name, text) for cmd, name, text in zh["texts"]
           if not CJK.search(text) or english_sentences(text) or key_like(text)]
    assert not bad, bad
    for path, page in zh["pages"].items():
        assert "用法:" in page and "显示本帮助并退出" in page, path
        assert not [w for w in FRAME_EN if w in page], (path, page)
        assert not key_like(page), (path, key_like(page))


def test_every_help_is_english_with_lang_en(en, zh):
    def helps(walked: dict) -> list:  # the short help is made for Chinese only (helpformat)
        return [(cmd, name) for cmd, name, _ in walked["texts"] if name != "short_help"]

    assert helps(en) == helps(zh) and set(en["pages"]) == set(zh["pages"])
    bad = [(cmd, name, text) for cmd, name, text in en["texts"]
           if not re.search(r"[A-Za-z]{2,}", text) or FULL_WIDTH_PUNCT.search(text)
           or key_like(text)]
    assert not bad, bad
    for path, page in en["pages"].items():
        assert "Usage:" in page and "Show this message and exit." in page, path
        assert "用法" not in page and "显示本帮助" not in page, path
        assert not key_like(page), (path, key_like(page))


def test_projtrack_lang_in_the_environment_and_lang_zh_too():
    env_en = walk(env_lang="en")
    assert "Usage:" in env_en["pages"][""] and "Show this message and exit." in env_en["pages"][""]
    assert "用法:" in walk("--lang=zh", env_lang="en")["pages"][""]


def test_a_command_list_line_is_never_cut_to_dots(zh):
    root = zh["pages"][""]
    listing = root.split("命令:", 1)[1]
    for line in listing.strip().splitlines():
        name, _, text = line.strip().partition(" ")
        assert text.strip() and text.strip() != "...", line


@pytest.mark.parametrize("args", [["--lang", "fr", "--help"], ["--lang=fr", "rules", "--help"],
                                  ["rules", "show", "--lang", "fr", "--help"]])
def test_an_unknown_language_is_refused_even_with_help(capsys, args):
    """--help is eager: without this it showed the Chinese help over a language it cannot
    speak, unsaid."""
    from projtrack.cli import main

    rc = main(args)
    out, err = capsys.readouterr()
    assert rc == 2 and "“fr”" in err and not out
