"""Python words that reach a page go through gettext: a literal English sentence given
to ``flash`` or ``error_page`` in the UI's code fails here (as a template word outside
gettext fails test_completeness)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

UI = Path(__file__).resolve().parents[3] / "src" / "shelfcast" / "web" / "ui"
# The functions that show their text arguments on a page, and which arguments those are.
SHOWN = {"flash": (2,), "error_page": (2, 3)}


def _is_literal_text(node: ast.expr) -> bool:
    """A string written in the code (plain, f-string, or joined from such)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_literal_text(node.left) or _is_literal_text(node.right)
    return False


def literal_messages(source: str, name: str) -> Iterator[str]:
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        for index in SHOWN.get(called, ()):
            if index < len(node.args) and _is_literal_text(node.args[index]):
                yield f"{name}:{node.lineno}: {called}() shows a literal text"


def test_the_check_sees_a_literal_message() -> None:
    code = 'flash(request, "success", f"Saved {x}.")\nflash(request, "info", _("Saved."))\n'
    assert list(literal_messages(code, "example.py")) == [
        "example.py:1: flash() shows a literal text"
    ]


def test_ui_code_shows_no_literal_text() -> None:
    found = [
        problem
        for path in sorted(UI.rglob("*.py"))
        for problem in literal_messages(path.read_text(encoding="utf-8"), path.name)
    ]
    assert not found, "wrap these in gettext:\n" + "\n".join(found)
