"""The UI is complete in every language, and stays so: a new message without its French
and Ukrainian translation, or a template word outside gettext, fails here.

After changing UI text: ``make i18n-update``, translate the new entries of
``src/shelfcast/web/locales/{fr,uk}/LC_MESSAGES/messages.po``, then run this file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import jinja2
import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from shelfcast.accounts.models import Language
from shelfcast.web.i18n.catalogs import SOURCE_LANGUAGE, po_path
from tests.web.i18n.visible_text import untranslated

ROOT = Path(__file__).resolve().parents[3]
TEMPLATES = ROOT / "src" / "shelfcast" / "web" / "ui" / "templates"
# Babel's defaults plus lazy_gettext, as `make i18n-update` extracts them.
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None}
TRANSLATED = [language for language in Language if language is not SOURCE_LANGUAGE]

Message = str | tuple[str, ...]


def extracted() -> dict[Message, str]:
    """Every message of the code and the templates, with where it was found."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: dict[Message, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        key = message if isinstance(message, str) else tuple(m for m in message if m)
        found.setdefault(key, f"{filename}:{lineno}")
    return found


def catalog(language: Language) -> Catalog:
    with po_path(language).open("rb") as source:
        return read_po(source, locale=language.value)


def problems(language: Language, messages: dict[Message, str]) -> Iterator[str]:
    book = catalog(language)
    for message, where in messages.items():
        singular = message if isinstance(message, str) else message[0]
        entry = book.get(singular)
        if entry is None:
            yield f"{where}: {singular!r} is not in the catalog (run `make i18n-update`)"
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(strings):
            yield f"{where}: {singular!r} has no translation"
        elif entry.fuzzy:
            yield f"{where}: {singular!r} is fuzzy: check the translation, then drop the flag"
    for entry, errors in book.check():  # placeholders and plural forms that do not match
        for error in errors:
            yield f"{entry.id!r}: {error}"


def test_the_code_and_the_templates_have_messages() -> None:
    messages = extracted()
    assert "Sign in" in messages
    assert any("templates" in where for where in messages.values())
    assert any(where.endswith(".py") or ".py:" in where for where in messages.values())


@pytest.mark.parametrize("language", TRANSLATED, ids=str)
def test_every_message_is_translated(language: Language) -> None:
    found = list(problems(language, extracted()))
    assert not found, f"{language.value}: {len(found)} problems\n" + "\n".join(found)


def templates() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


def test_templates_show_no_text_outside_gettext() -> None:
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    found = [
        str(problem)
        for path in templates()
        for problem in untranslated(env, path.name, path.read_text(encoding="utf-8"))
    ]
    assert not found, "visible text outside gettext:\n" + "\n".join(found)
