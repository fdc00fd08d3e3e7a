"""What the file form asks before it saves: a change of the file's link (with the
grace period for the old name) and a second file for the same store with the same
file name. The merchant confirms with the button of the question they saw; a
question that changed since (another name typed) is asked again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from shelfcast.feeds import link_changes
from shelfcast.feeds.link_changes import DEFAULT_GRACE_DAYS, GRACE_DAYS, LinkChange
from shelfcast.feeds.schemas import FeedCreate, FeedRead, FeedUpdate
from shelfcast.web.i18n import gettext as _
from shelfcast.web.i18n import ngettext

CONFIRM_FIELD = "confirmed"
GRACE_FIELD = "old_name_grace_days"


@dataclass(frozen=True)
class SaveCheck:
    link: LinkChange | None = None
    duplicate: str | None = None  # the other file's name, e.g. ``stock.csv``

    def __bool__(self) -> bool:
        return self.link is not None or self.duplicate is not None

    @property
    def signature(self) -> str:
        """Names what was confirmed: a later, different change is asked again."""
        new = self.link.new_name if self.link else ""
        return f"{new}|{self.duplicate or ''}"


def save_check(
    session: Session,
    account_id: int,
    data: FeedCreate | FeedUpdate,
    current: FeedRead | None = None,
) -> SaveCheck:
    link = None
    if current is not None and isinstance(data, FeedUpdate):
        link = link_changes.link_change(current, data)
    other = link_changes.same_store_and_name(session, account_id, data, current)
    duplicate = link_changes.full_name(other.file_name, other.file_type) if other else None
    return SaveCheck(link, duplicate)


def confirmed(check: SaveCheck, form: FormData) -> bool:
    return form.get(CONFIRM_FIELD) == check.signature


def grace(form: FormData) -> timedelta:
    """The grace period chosen for the old name (one of :data:`GRACE_DAYS`)."""
    try:
        days = int(str(form.get(GRACE_FIELD, DEFAULT_GRACE_DAYS)))
    except ValueError:
        days = DEFAULT_GRACE_DAYS
    return timedelta(days=days if days in GRACE_DAYS else DEFAULT_GRACE_DAYS)


def link_changed_message(change: LinkChange, kept: timedelta) -> str:
    text = _(
        "The file’s address is now %(url)s: paste it into your store account.", url=change.new_url
    )
    if kept:
        later = ngettext(
            "The old address keeps working for %(num)d day.",
            "The old address keeps working for %(num)d days.",
            kept.days,
        )
        return f"{text} {later}"
    return f"{text} {_('The old address no longer works.')}"
