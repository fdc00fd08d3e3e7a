"""Match spreadsheet headers to targets by name and synonyms, in any language.

Generic on purpose: the targets and their synonyms are passed in, so the
catalog importer (``vocabulary.py``) and a marketplace's feed fields use the
same matcher. Headers and synonyms are compared after ``normalise_header``:
case, accents, punctuation and spacing do not count (``Référence`` matches
``reference``, ``Code-barres`` matches ``code barres``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

_NOT_WORD = re.compile(r"[\W_]+")


def normalise_header(text: str) -> str:
    """Lower case, no accents (``é`` → ``e``, ``й`` → ``и``), every run of
    punctuation or space one space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_WORD.sub(" ", bare).strip()


@dataclass(frozen=True, slots=True)
class MatchTarget:
    """A target and the names a header may give it (its own key included)."""

    key: str
    synonyms: tuple[str, ...] = ()


class HeaderMatcher:
    """Proposes a target per header: an exact (normalised) name first, then
    the longest synonym whose words all appear in the header (``Prix TTC`` →
    ``prix``). A target is proposed for one header only, the first."""

    def __init__(self, targets: Iterable[MatchTarget]) -> None:
        self._exact: dict[str, str] = {}
        self._words: list[tuple[frozenset[str], int, str]] = []
        for target in targets:
            for name in (target.key, *target.synonyms):
                normal = normalise_header(name)
                if not normal:
                    continue
                self._exact.setdefault(normal, target.key)
                words = frozenset(normal.split())
                self._words.append((words, len(normal), target.key))
        # Longest synonym first, so "prix achat" beats "prix".
        self._words.sort(key=lambda entry: -entry[1])

    def match(self, header: str) -> str | None:
        """The target ``header`` names, or ``None``."""
        normal = normalise_header(header)
        if not normal:
            return None
        if normal in self._exact:
            return self._exact[normal]
        words = set(normal.split())
        for synonym_words, _length, key in self._words:
            if synonym_words <= words:
                return key
        return None

    def propose(self, headers: Sequence[str]) -> list[str | None]:
        """One proposal per header; exact matches are placed before partial
        ones, so ``Prix`` takes the price even after ``Prix achat``."""
        proposals: list[str | None] = [None] * len(headers)
        taken: set[str] = set()
        exact = [normalise_header(header) in self._exact for header in headers]
        for pass_exact in (True, False):
            for index, header in enumerate(headers):
                if exact[index] != pass_exact:
                    continue
                key = self.match(header)
                if key is not None and key not in taken:
                    proposals[index] = key
                    taken.add(key)
        return proposals


def matcher_from_synonyms(synonyms: Mapping[str, Iterable[str]]) -> HeaderMatcher:
    """A matcher from ``{target: [synonym, ...]}``."""
    return HeaderMatcher(MatchTarget(key, tuple(names)) for key, names in synonyms.items())
