"""The domain's error tree. No HTTP here: ``web/errors.py`` maps each class to a status once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar


def N_(message: str) -> str:
    """Marks a message the web UI shows so `make i18n-update` puts it in the catalogs.

    The domain answers in English (the API's language); the UI looks the message up
    in the page's language when it shows it. Only for fixed sentences: a message
    built with values cannot be looked up.
    """
    return message


# How much of an offending value an error message repeats: enough to recognise it,
# never the whole of a megabyte-long SKU sent back in the answer.
SHOWN_CHARS = 50


def shown(value: object) -> str:
    """``value`` quoted for a message, cut to its first ``SHOWN_CHARS`` characters + "…"."""
    text = str(value)
    if len(text) > SHOWN_CHARS:
        return repr(text[:SHOWN_CHARS]) + "…"
    return repr(text)


class ShelfcastError(Exception):
    """Base of every expected problem (bad input, missing thing, plan limit).

    ``code`` is the stable, machine-readable name of the problem: the API answers it
    as ``type`` (in English words, whatever the UI's language), so clients branch on
    it rather than on the message. A subclass keeps its parent's unless it needs its own.
    """

    code: ClassVar[str] = "bad_request"


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one field: ``loc`` is the path to it, e.g. ("products", 3, "sku")."""

    loc: tuple[str | int, ...]
    message: str

    @property
    def where(self) -> str:
        return ".".join(str(part) for part in self.loc)


class InvalidInput(ShelfcastError, ValueError):
    """The input breaks a rule; ``errors`` names each field and what is allowed."""

    code = "invalid_input"

    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(f"{e.where}: {e.message}" for e in self.errors))

    @classmethod
    def one(cls, loc: tuple[str | int, ...], message: str) -> InvalidInput:
        return cls([FieldError(loc, message)])


class NotFound(ShelfcastError, LookupError):
    """The thing does not exist, or belongs to another account (never say which)."""

    code = "not_found"


class Conflict(ShelfcastError):
    """The change clashes with existing data (e.g. a warehouse a feed still uses)."""

    code = "conflict"


class PlanLimit(ShelfcastError, PermissionError):
    """The account's plan does not allow the action; the message says which plan would."""

    code = "plan_limit"


@dataclass(frozen=True, slots=True)
class FeedRef:
    """A feed file named in an error: its id and what the merchant calls it."""

    id: int
    name: str


class InUseByFeeds(Conflict):
    """Deleting the thing would break feed files that use it; ``feeds`` names them.

    Its ``code`` (the API's ``type``) tells this refusal from other conflicts without
    reading the message; the API sends the feeds with it.
    """

    code = "in_use_by_feeds"

    def __init__(self, message: str, feeds: Sequence[FeedRef]) -> None:
        self.feeds = tuple(feeds)
        super().__init__(message)
