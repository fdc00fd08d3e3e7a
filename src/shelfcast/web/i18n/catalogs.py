"""The gettext catalogs of the web UI, one per language, loaded once per process.

The ``.po`` files under ``web/locales/`` are the source (in git); ``make`` compiles
them to ``.mo`` files beside them (not in git, so none can go stale there). A
checkout run without ``make`` (a bare ``pytest``, an editable install) compiles
the ``.po`` in memory instead, so a missing or outdated ``.mo`` never shows
yesterday's words.
"""

from __future__ import annotations

import gettext
import io
import logging
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from shelfcast.accounts.models import Language

log = logging.getLogger(__name__)

LOCALES = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
SOURCE_LANGUAGE = Language.EN  # messages are written in English; it has no catalog


def po_path(language: Language) -> Path:
    return LOCALES / language.value / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: Language) -> gettext.NullTranslations:
    """The language's catalog; English answers every message with itself."""
    if language is SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    po = po_path(language)
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime_ns >= po.stat().st_mtime_ns:
        with mo.open("rb") as compiled:
            return Translations(compiled, domain=DOMAIN)
    log.info("%s is missing or older than its .po: compiling it in memory", mo)
    with po.open("rb") as source:
        catalog = read_po(source, locale=language.value, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # fuzzy entries are left out, as `pybabel compile` does
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)
