"""A file's link: the confirmation before a new one, and issuing it (with grace days)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import Request, Response

from shelfcast.feeds import service as feeds
from shelfcast.web.deps import IdPath, SessionDep, SettingsDep
from shelfcast.web.i18n import gettext as _
from shelfcast.web.i18n import ngettext
from shelfcast.web.ui.rendering import page, redirect
from shelfcast.web.ui.routes._router import FormDep, page_router
from shelfcast.web.ui.routes.integration import WINDOW, feed_read
from shelfcast.web.ui.session import SignedInDep, flash

router = page_router()
MAX_GRACE_DAYS = 90  # as the API's rotate-link allows


@router.get(f"{WINDOW}/files/{{feed_id}}/link")
def confirm_new_link(
    request: Request,
    feed_id: IdPath,
    signed: SignedInDep,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """The confirmation before a new link (the file form opens it as a dialog)."""
    read = feed_read(session, signed, feed_id, settings.base_url)
    return page(request, "confirm_link.html", {"nav": "settings", "feed": read}, signed=signed)


@router.post(f"{WINDOW}/files/{{feed_id}}/link")
def new_link(
    request: Request,
    feed_id: IdPath,
    signed: SignedInDep,
    session: SessionDep,
    settings: SettingsDep,
    form: FormDep,
) -> Response:
    grace_days = _grace_days(form.get("grace_days"))
    if grace_days is None:
        feed_read(session, signed, feed_id, settings.base_url)  # 404 first
        flash(
            request, "error", _("Keep the old link working for: a whole number of days, 0 to 90.")
        )
        return redirect(f"{WINDOW}/files/{feed_id}")
    feeds.rotate_link(session, signed.account_id, feed_id, timedelta(days=grace_days))
    read = feed_read(session, signed, feed_id, settings.base_url)
    if grace_days:
        kept = ngettext(
            "the old one keeps working for %(num)d day",
            "the old one keeps working for %(num)d days",
            grace_days,
        )
    else:
        kept = _("the old one no longer works")
    flash(
        request,
        "success",
        _(
            "New link issued; %(kept)s. Paste the new link into your %(store)s account.",
            kept=kept,
            store=read.store_name,
        ),
    )
    return redirect(f"{WINDOW}/files/{feed_id}")


def _grace_days(raw: object) -> int | None:
    """The days the old link keeps working: 0 (or left empty) to 90, else None."""
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        return 0
    if not text.isdigit() or int(text) > MAX_GRACE_DAYS:
        return None
    return int(text)
