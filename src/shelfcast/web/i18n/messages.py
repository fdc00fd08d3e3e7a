"""gettext for Python code whose words reach a page (flash messages, form errors).

``gettext`` translates into the language of the page being answered; code that
runs at import time (labels in module constants) uses ``lazy_gettext``, which
translates each time it is shown. ``make i18n-update`` extracts all three
(the Makefile's ``-k lazy_gettext``; ``_`` and ``gettext``/``ngettext`` are
Babel's defaults). Placeholders are named: ``gettext("%(name)s saved", name=x)``,
the same convention as the templates' newstyle gettext.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shelfcast.web.i18n.catalogs import translations
from shelfcast.web.i18n.context import current_language


def gettext(message: str, **variables: Any) -> str:
    text = translations(current_language()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """``%(num)d`` is the count, as in the templates."""
    text = translations(current_language()).ngettext(singular, plural, num)
    return text % {"num": num, **variables}


_ = gettext


@dataclass(frozen=True, slots=True)
class LazyText:
    """A message translated when it is turned into text, in the page's language."""

    message: str

    def __str__(self) -> str:
        return gettext(self.message)


def lazy_gettext(message: str) -> LazyText:
    return LazyText(message)
