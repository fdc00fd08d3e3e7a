"""The web UI in the merchant's language: French, Ukrainian and English.

- ``context``: the language of the page being answered and how it is chosen;
- ``catalogs``: the gettext catalogs under ``web/locales/`` (Babel);
- ``messages``: gettext for Python code whose words reach a page;
- ``formatting``: numbers, money and dates as the language writes them.

``install(env)`` gives the templates the same gettext (newstyle: placeholders
are escaped, ``_("%(n)s files", n=count)``) and the formatting filters.
"""

from __future__ import annotations

import jinja2

from shelfcast.accounts.models import Language
from shelfcast.web.i18n import formatting
from shelfcast.web.i18n.catalogs import translations
from shelfcast.web.i18n.context import (
    LanguageMiddleware,
    browser_language,
    choose_language,
    current_language,
    in_language,
    parse_language,
    use_language,
)
from shelfcast.web.i18n.messages import LazyText, gettext, lazy_gettext, ngettext

__all__ = [
    "LANGUAGE_BADGES",
    "LANGUAGE_NAMES",
    "Language",
    "LanguageMiddleware",
    "LazyText",
    "browser_language",
    "choose_language",
    "current_language",
    "gettext",
    "in_language",
    "install",
    "lazy_gettext",
    "ngettext",
    "parse_language",
    "use_language",
]

# Each language named in itself, as language menus do.
LANGUAGE_NAMES = {Language.FR: "Français", Language.UK: "Українська", Language.EN: "English"}
# On the menu's button: "UA" is what Ukrainian sites show (Rozetka, Prom.ua); "UK" reads
# as the United Kingdom there.
LANGUAGE_BADGES = {Language.FR: "FR", Language.UK: "UA", Language.EN: "EN"}


def _pgettext(context: str, message: str) -> str:
    return translations(current_language()).pgettext(context, message)


def _npgettext(context: str, singular: str, plural: str, num: int) -> str:
    return translations(current_language()).npgettext(context, singular, plural, num)


def install(env: jinja2.Environment) -> None:
    """The page's language in ``env``: gettext, ``<html lang>``, the menu, the filters."""
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda message: translations(current_language()).gettext(message),
        ngettext=lambda singular, plural, n: translations(current_language()).ngettext(
            singular, plural, n
        ),
        pgettext=_pgettext,
        npgettext=_npgettext,
        newstyle=True,
    )
    env.policies["ext.i18n.trimmed"] = True  # `{% trans %}` blocks lose their line breaks
    env.globals["current_language"] = current_language
    env.globals["language_names"] = LANGUAGE_NAMES
    env.globals["language_badges"] = LANGUAGE_BADGES
    env.filters["number"] = formatting.number
    env.filters["money"] = formatting.money
    env.filters["when"] = formatting.moment
