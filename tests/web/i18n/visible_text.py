"""Text a person sees in a template that does not go through gettext.

The template is read with Jinja2's own lexer: text between tags is kept as it
is, ``{% trans %}`` blocks and gettext calls are translated (left out), and a
``{{ ... }}`` is replaced by the literal words it can print (``{{ "On" if x
else "Off" }}`` prints "On" or "Off"; ``{{ name|upper }}`` prints none). The
result is read with an HTML parser, so words count only where a person sees
them: text outside ``<script>``/``<style>``, and the attributes browsers show or
read aloud (``title``, ``alt``, ``placeholder``, ``aria-label``, a button's
``value``). Class names, ids, URLs and other attribute values are not text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import jinja2
from jinja2 import nodes

GETTEXT = {"_", "gettext", "ngettext", "pgettext", "npgettext"}
VISIBLE_ATTRIBUTES = {
    "title",
    "alt",
    "placeholder",
    "label",
    "aria-label",
    "aria-description",
    "aria-roledescription",
    "aria-valuetext",
    # read by app.js and shown: a confirm() question, the labels of renumbered rows
    "data-confirm",
    "data-label",
}
BUTTON_INPUTS = {"submit", "button", "reset"}
# Not prose: scripts and styles, and code the reader types as it is (API paths).
NOT_PROSE = {"script", "style", "code", "kbd", "samp"}
# Words that are the same in every language: the product's name.
SAME_EVERYWHERE = re.compile(r"\bShelfcast\b")
# printf placeholders of a format string (``"%.2f"|format(x)``), web addresses.
_NOT_WORDS = re.compile(r"%(\(\w+\))?[-#0 +]*\d*(\.\d+)?[diouxXeEfFgGcrs]|\b[a-z]+://\S*")
# Stands for what a {{ ... }} prints when it prints no literal words (no letters in it).
HOLE = "\u2400"
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Untranslated:
    template: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.template}:{self.line}: {self.text!r}"


def _printed_words(node: nodes.Node) -> list[str]:
    """The string literals an expression can print (not those it only compares or
    passes to a function: a gettext call prints its translation)."""
    if isinstance(node, nodes.Const):
        return [node.value] if isinstance(node.value, str) else []
    if isinstance(node, nodes.CondExpr):
        return _printed_words(node.expr1) + (_printed_words(node.expr2) if node.expr2 else [])
    if isinstance(node, nodes.Or):
        return _printed_words(node.left) + _printed_words(node.right)
    if isinstance(node, nodes.Concat):
        return [word for part in node.nodes for word in _printed_words(part)]
    if isinstance(node, nodes.Filter) and node.node is not None:
        fallback = node.args[:1] if node.name in ("default", "d") else []
        return _printed_words(node.node) + [w for arg in fallback for w in _printed_words(arg)]
    return []


def _expression_text(env: jinja2.Environment, source: str) -> str:
    template = env.parse("{{" + source + "}}")
    words = [
        word
        for output in template.find_all(nodes.Output)
        for expression in output.nodes
        for word in _printed_words(expression)
    ]
    return " ".join(words) if words else HOLE


def skeleton(env: jinja2.Environment, source: str) -> str:
    """The template's HTML with translated text left out and expressions replaced by
    the words they print; line breaks kept, so lines match the template's."""
    out: list[str] = []
    tokens: list[tuple[str, str]] = []  # of the {{ }} or {% %} being read
    in_tag = in_trans = False
    macro_start: int | None = None
    for _, kind, value in env.lex(source):
        if kind in ("variable_begin", "block_begin"):
            in_tag, tokens = True, []
        elif kind == "variable_end":
            text = "".join(v for _, v in tokens)
            out.append(HOLE if in_trans else _expression_text(env, text))
            out.append("\n" * text.count("\n"))
            in_tag = False
        elif kind == "block_end":
            name = next((v for k, v in tokens if k == "name"), "")
            in_trans = {"trans": True, "endtrans": False}.get(name, in_trans)
            if name == "macro":
                macro_start = len(out)
            elif name == "endmacro" and macro_start is not None:
                _place_macro(out, macro_start)
                macro_start = None
            out.append("\n" * "".join(v for _, v in tokens).count("\n"))
            in_tag = False
        elif in_tag:
            tokens.append((kind, value))
        elif kind == "data" and not in_trans:
            out.append(value)
        else:  # translated text, comments: only their line breaks
            out.append(HOLE + "\n" * value.count("\n"))
    return "".join(out)


def _place_macro(out: list[str], start: int) -> None:
    """A macro without tags of its own writes attributes (``aria-invalid="true"``):
    read its body where it lands, inside a tag."""
    body = "".join(out[start:])
    if "<" not in body:
        out[start:] = ["<macro " + body.replace("\n", " ") + ">" + "\n" * body.count("\n")]


class _Reader(HTMLParser):
    def __init__(self, template: str) -> None:
        super().__init__(convert_charrefs=True)
        self.template = template
        self.found: list[Untranslated] = []
        self.hidden = 0  # inside NOT_PROSE elements

    def _check(self, text: str) -> None:
        words = text.replace(HOLE, " ").strip()
        if _LETTER.search(_NOT_WORDS.sub("", SAME_EVERYWHERE.sub("", words))):
            self.found.append(
                Untranslated(self.template, self.getpos()[0], " ".join(words.split()))
            )

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in NOT_PROSE:
            self.hidden += 1
        values = dict(attrs)
        for name, value in attrs:
            shown = name in VISIBLE_ATTRIBUTES or (
                name == "value" and tag == "input" and values.get("type") in BUTTON_INPUTS
            )
            if shown and value:
                self._check(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in NOT_PROSE and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self._check(data)


def untranslated(env: jinja2.Environment, name: str, source: str) -> list[Untranslated]:
    reader = _Reader(name)
    reader.feed(skeleton(env, source))
    reader.close()
    return reader.found
