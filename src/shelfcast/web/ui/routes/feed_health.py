"""A file's health page (is the marketplace getting it?) and publishing a held build."""

from __future__ import annotations

from fastapi import Request, Response

from shelfcast.errors import Conflict
from shelfcast.feeds import service as feeds
from shelfcast.feeds.validation import validate_feed
from shelfcast.publish import guard, health
from shelfcast.web.deps import IdPath, RuntimeDep, SessionDep, SettingsDep
from shelfcast.web.i18n import gettext as _
from shelfcast.web.i18n.formatting import number
from shelfcast.web.ui.charts import SERIES, fetches_chart
from shelfcast.web.ui.rendering import page, redirect
from shelfcast.web.ui.routes._router import page_router
from shelfcast.web.ui.session import SignedInDep, flash

router = page_router()
FILES = "/settings/integrations/custom/files"


@router.get(f"{FILES}/{{feed_id}}/health")
def health_page(
    request: Request,
    feed_id: IdPath,
    signed: SignedInDep,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    report = health.feed_health(session, signed.account_id, feed_id, settings.base_url)
    feed = feeds.get_feed(session, signed.account_id, feed_id)
    read = feeds.feed_reads(session, [feed], settings.base_url)[0]
    return page(
        request,
        "feed_health.html",
        {
            "nav": "settings",
            "feed": read,
            "health": report,
            "chart": fetches_chart(report.fetches.by_day),
            "series": SERIES,
            "validation": validate_feed(session, feed),
        },
        signed=signed,
    )


@router.post(f"{FILES}/{{feed_id}}/publish")
def publish_held(
    request: Request,
    feed_id: IdPath,
    signed: SignedInDep,
    session: SessionDep,
    runtime: RuntimeDep,
) -> Response:
    feeds.get_feed(session, signed.account_id, feed_id)  # 404 before any lock
    with runtime.builder.feed_lock(feed_id) as locked:
        try:
            if not locked:
                raise Conflict("A build of this file is running; publish again in a moment.")
            done = guard.publish_held(
                session, runtime.store, signed.account_id, feed_id, grace_s=runtime.builder.grace_s
            )
        except Conflict as error:
            flash(request, "error", str(error))
            return redirect(f"{FILES}/{feed_id}/health")
    flash(
        request,
        "success",
        _("Published: the link now serves the new file (%(rows)s rows).", rows=number(done.rows)),
    )
    return redirect(f"{FILES}/{feed_id}/health")
