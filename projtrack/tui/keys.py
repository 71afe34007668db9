"""Key bindings whose descriptions are catalog keys, shown in the display language.

A binding is declared with ``description="ui.key.filter"``; ``translate_bindings`` rewrites a
node's own copy of its bindings with the catalog's text, so the footer follows the language
switch without redefining classes.
"""

from __future__ import annotations

from dataclasses import replace

from textual.dom import DOMNode

from projtrack.i18n import t


def translate_bindings(node: DOMNode, lang: str) -> None:
    base = type(node)._merged_bindings
    if base is None:
        return
    table = node._bindings.key_to_bindings
    for key, bindings in base.key_to_bindings.items():
        table[key] = [
            replace(b, description=t(b.description, lang=lang),
                    tooltip=t(b.tooltip, lang=lang) if b.tooltip.startswith("ui.") else b.tooltip)
            if b.description.startswith("ui.") else b
            for b in bindings
        ]
    node.refresh_bindings()
