"""``--help`` in the officer's language: the words of Click's own frame (Usage, Options,
Commands, Arguments, "Show this message and exit.", [required], [default: …], [env var: …]) from
the catalogs, Chinese text wrapped by terminal cells (a Chinese character takes two, and a line
may break between any two of them), and a short help for the command list cut at a Chinese
sentence's end.  ``localize`` puts it on each command of the tree as app.command() builds it, so
a command added later gets it too; the help strings themselves are catalog strings already.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import typer
from typer._click import Command, HelpFormatter  # Typer's own copy of Click (typer pinned <0.30)

from projtrack.i18n import t

SECTIONS = {"Options": "cli.frame.options", "Commands": "cli.frame.commands",
            "Arguments": "cli.frame.arguments"}
_EXTRAS = ((re.compile(r"\[required\]"), lambda m: t("cli.frame.required")),
           (re.compile(r"\[default: (.*?)\]"), lambda m: t("cli.frame.default", value=m[1])),
           (re.compile(r"\[env var: (.*?)\]"), lambda m: t("cli.frame.env_var", var=m[1])))
# no line starts with a closing mark nor ends with an opening one (ASCII and full-width)
_NO_LINE_START = set(",.;:!?%)]\u3001\u3002\uff0c\uff1b\uff1a\uff01\uff1f\uff09\u300b\u300d")
_NO_LINE_END = set("([\uff08\u300a\u300c")
SHORT_CELLS = 56


def cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def _tokens(text: str) -> Iterator[str]:
    """Words, single spaces and single wide characters (each a place a line may break)."""
    for part in re.findall(r"\s+|[^\s]+", text):
        if part.isspace():
            yield " "
            continue
        word = ""
        for ch in part:
            if _wide(ch):
                if word:
                    yield word
                    word = ""
                yield ch
            else:
                word += ch
        if word:
            yield word


def wrap(text: str, width: int) -> list[str]:
    """``text`` (one paragraph) in lines of at most ``width`` cells where it can break."""
    lines: list[str] = []
    line, used = "", 0
    for tok in _tokens(" ".join(text.split())):
        w = cells(tok)
        if tok == " " and not line:
            continue
        if used + w > width and line.strip() and tok not in _NO_LINE_START:
            carry = ""
            while line and line[-1] in _NO_LINE_END and line[:-1].strip():
                carry, line = line[-1] + carry, line[:-1]
            lines.append(line.rstrip())
            line = carry + ("" if tok == " " else tok)
            used = cells(line)
            continue
        line += tok
        used += w
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]


def local_extras(text: str) -> str:
    if text == "Show this message and exit.":
        return t("cli.frame.help")
    for pattern, word in _EXTRAS:
        text = pattern.sub(word, text)
    return text


class LocalFormatter(HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, t("cli.frame.usage") + " " if prefix is None else prefix)

    @contextmanager
    def section(self, name: str) -> Iterator[None]:
        with super().section(t(SECTIONS[name]) if name in SECTIONS else name):
            yield

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        width = max(self.width - self.current_indent, 20)
        out = ["\n".join(indent + line for line in wrap(p, width)) for p in _paragraphs(text)]
        self.write("\n\n".join(out) + "\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30,
                 col_spacing: int = 2) -> None:
        rows = [(first, local_extras(second)) for first, second in rows]
        if not rows:
            return
        first_col = min(max(cells(first) for first, _ in rows), col_max) + col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if cells(first) <= first_col - col_spacing:
                self.write(" " * (first_col - cells(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            width = max(self.width - first_col - self.current_indent - 2, 10)
            lines = [line for p in _paragraphs(second) for line in wrap(p, width)] or [""]
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(" " * (first_col + self.current_indent) + line + "\n")


class LocalContext(typer.Context):
    formatter_class = LocalFormatter


def short_help(text: str) -> str:
    """The command list's line for a help ``text`` that Click would cut to "..." (Chinese has
    no spaces to cut at): its first sentence, else its first clause, else its start."""
    first = re.split(r"(?<=。)", " ".join(text.split()), maxsplit=1)[0]
    if cells(first) <= SHORT_CELLS:
        return first
    clause = re.split(r"[;:]|——", first, maxsplit=1)[0]
    if cells(clause) <= SHORT_CELLS and any(_wide(ch) for ch in clause):
        return clause
    return wrap(first, SHORT_CELLS - 2)[0] + ".."


def localize(command: Command) -> None:
    """Give ``command`` (not the commands under it: app.command() builds those when they are
    first asked for, and localizes each then) the local help formatting."""
    command.context_class = LocalContext
    if command.options_metavar == "[OPTIONS]":
        command.options_metavar = t("cli.frame.options_metavar")
    if getattr(command, "subcommand_metavar", None) == "COMMAND [ARGS]...":
        command.subcommand_metavar = t("cli.frame.subcommand_metavar")  # type: ignore[attr-defined]
    if command.short_help is None and command.help and any(_wide(ch) for ch in command.help):
        command.short_help = short_help(command.help)
